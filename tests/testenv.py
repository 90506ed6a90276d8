"""Where the tests find the collection and the fake server; imported first by conftest.py.

The collection's code imports itself as ``ansible_collections.jcops.jumpcloud``;
a temporary tree with a link to this checkout gives it that name without
changing the repo. Ansible subprocesses find it through ANSIBLE_COLLECTIONS_PATH.
"""
import atexit
import os
import shutil
import sys
import tempfile

TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)
API_KEY = 'test-api-key-5ecret-0123456789abcdef'
# the service account the fake server knows (tests/fake_jumpcloud/server.py)
CLIENT_ID = 'test-client-id-0a1b2c3d'
CLIENT_SECRET = 'test-client-5ecret-Zx9/Yw8+Vu7=='
# the organisation a service account acts for (JumpCloud's service-account login requires its id)
ORG_ID = '5f1e2d3c4b5a69788796a5b4'

COLLECTIONS_PATH = tempfile.mkdtemp(prefix='jcops-collections-')
atexit.register(shutil.rmtree, COLLECTIONS_PATH, True)
os.makedirs(os.path.join(COLLECTIONS_PATH, 'ansible_collections', 'jcops'))
os.symlink(ROOT, os.path.join(COLLECTIONS_PATH, 'ansible_collections', 'jcops', 'jumpcloud'))
for folder in (os.path.join(TESTS, 'integration'), TESTS, COLLECTIONS_PATH):
    if folder not in sys.path:
        sys.path.insert(0, folder)
os.environ['ANSIBLE_COLLECTIONS_PATH'] = COLLECTIONS_PATH
