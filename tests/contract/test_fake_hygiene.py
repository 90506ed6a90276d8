"""The fake server itself: it starts as documented, and its keyless control endpoints answer loopback only."""
import socket
import subprocess
import sys
import time

import requests

from testenv import API_KEY, ROOT
from fake_jumpcloud.seed import generate_org
from fake_jumpcloud.server import is_loopback


def outside_address():
    """This machine's address on its default route (not loopback)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(('192.0.2.1', 9))          # no packet is sent: this only picks the outgoing address
        address = probe.getsockname()[0]
    finally:
        probe.close()
    assert not is_loopback(address), address
    return address


def test_the_control_endpoints_refuse_clients_that_are_not_loopback(fake_factory):
    fake = fake_factory(generate_org(users=3, groups=1, systems=1), host='0.0.0.0')
    port = fake.httpd.server_address[1]
    outside = 'http://%s:%d' % (outside_address(), port)
    inside = 'http://127.0.0.1:%d' % port
    for method, path in (('GET', '/__fake__/stats'), ('GET', '/__fake__/state'), ('POST', '/__fake__/reset-stats')):
        refused = requests.request(method, outside + path, timeout=10)
        assert refused.status_code == 403 and 'loopback' in refused.json()['message'], (path, refused.text)
    assert requests.post(outside + '/__fake__/config', json={'fault_rate': 1.0}, timeout=10).status_code == 403
    assert fake.config.fault_rate == 0.0
    uid = next(iter(fake.org.users))
    assert requests.post(outside + '/__fake__/users/%s/delete' % uid, timeout=10).status_code == 403
    assert uid in fake.org.users
    # the API itself still answers everyone who has the key; loopback still reaches the controls
    api = requests.get(outside + '/api/systemusers', headers={'x-api-key': API_KEY}, timeout=10)
    assert api.status_code == 200 and api.json()['totalCount'] == 3
    assert requests.get(inside + '/__fake__/stats', timeout=10).status_code == 200


def test_loopback_addresses():
    assert all(is_loopback(a) for a in ('127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'))
    assert not any(is_loopback(a) for a in ('192.0.2.2', '::ffff:192.0.2.2', 'fd00::2', '0.0.0.0', 'localhost'))


def test_it_starts_from_the_repository_root_as_documented(tmp_path):
    ready = tmp_path / 'url'
    helped = subprocess.run([sys.executable, '-m', 'tests.fake_jumpcloud', '--help'], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert helped.returncode == 0 and 'loopback' in helped.stdout, helped.stderr
    server = subprocess.Popen([sys.executable, '-m', 'tests.fake_jumpcloud', '--port', '0', '--generate', '4',
                               '--groups', '1', '--systems', '1', '--ready-file', str(ready)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (ready.exists() and ready.read_text()) and server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.poll() is None, server.stderr.read()
        url = ready.read_text()
        assert url.startswith('http://127.0.0.1:')
        assert requests.get(url + '/api/systemusers', headers={'x-api-key': 'test-api-key-0123456789'},
                            timeout=10).json()['totalCount'] == 4
    finally:
        server.terminate()
        server.wait(timeout=30)
