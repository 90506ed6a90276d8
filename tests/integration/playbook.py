"""Run real ansible-playbook against a fake JumpCloud server and collect what the module returned."""
import json
import os
import subprocess
import sys
import tempfile

import requests
import yaml

from testenv import API_KEY, COLLECTIONS_PATH

# the tests' own action plugins (save_result)
ACTION_PLUGINS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'action_plugins')
INVENTORY = 'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n'


def ansible_env(fake=None, extra=None):
    env = dict(os.environ)
    bindir = os.path.dirname(sys.executable)
    env['PATH'] = bindir + os.pathsep + env.get('PATH', '')
    env.update(ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
               ANSIBLE_HOST_KEY_CHECKING='0', ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_LOCAL_TEMP=tempfile.gettempdir(),
               ANSIBLE_DEPRECATION_WARNINGS='0', ANSIBLE_COLLECTIONS_ON_ANSIBLE_VERSION_MISMATCH='ignore',
               ANSIBLE_ACTION_PLUGINS=ACTION_PLUGINS)
    if fake is not None:
        env.update(JC_API_KEY=API_KEY, JC_API_URL=fake.url)
    env.update(extra or {})
    return env


class Run:
    def __init__(self, proc, result):
        self.rc = proc.returncode
        self.stdout = proc.stdout or ''
        self.stderr = proc.stderr or ''
        self.result = result

    @property
    def output(self):
        return self.stdout + self.stderr

    @staticmethod
    def result_from(path):
        """What a play saved to ``path`` as JSON."""
        return json.loads(path.read_text())


def run_module(tmp_path, fake, module, args, check=False, diff=False, verbosity=0, env=None, timeout=600):
    """Run one module task in a playbook; return the Run with the module's registered result."""
    out = tmp_path / ('result-%d.json' % len(list(tmp_path.glob('result-*.json'))))
    play = [{
        'hosts': 'localhost',
        'gather_facts': False,
        'tasks': [
            {'name': 'module under test', module: args, 'register': 'out', 'ignore_errors': True},
            {'name': 'save result', 'save_result': {'content': '{{ out | to_json }}', 'dest': str(out)},
             'check_mode': False, 'no_log': True},
        ],
    }]
    return run_play(tmp_path, fake, play, check=check, diff=diff, verbosity=verbosity, env=env, timeout=timeout,
                    result_file=out)


def run_play(tmp_path, fake, play, check=False, diff=False, verbosity=0, env=None, timeout=600, result_file=None,
             extra_args=()):
    """Write ``play`` to a playbook in ``tmp_path`` and run it."""
    book = tmp_path / 'play.yml'
    book.write_text(yaml.safe_dump(play, sort_keys=False))
    return run_playbook(tmp_path, fake, str(book), check=check, diff=diff, verbosity=verbosity, env=env,
                        timeout=timeout, result_file=result_file, extra_args=extra_args)


def run_playbook(tmp_path, fake, playbook, extra_vars=None, check=False, diff=False, verbosity=0, env=None,
                 timeout=600, result_file=None, extra_args=(), stream=False):
    """Run ``playbook`` (a path, or a collection playbook's FQCN) with ansible-playbook from ``tmp_path``.

    With ``stream`` the output goes to this process's own stdout and stderr (the demo) instead of the Run.
    """
    cmd = _command(tmp_path, playbook)
    if extra_vars:
        cmd.extend(['-e', json.dumps(extra_vars)])
    if check:
        cmd.append('--check')
    if diff:
        cmd.append('--diff')
    if verbosity:
        cmd.append('-' + 'v' * verbosity)
    cmd.extend(extra_args)
    proc = subprocess.run(cmd, capture_output=not stream, text=True, env=ansible_env(fake, env), timeout=timeout,
                          cwd=str(tmp_path), check=False)
    result = None
    if result_file is not None and result_file.exists():
        result = json.loads(result_file.read_text())
    return Run(proc, result)


def _command(tmp_path, playbook):
    inventory = tmp_path / 'inventory.ini'
    inventory.write_text(INVENTORY)
    return [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(inventory), playbook]


def start_play(tmp_path, fake, play, **popen):
    """Start ansible-playbook on ``play`` in its own session and return the Popen at once, for the tests that
    signal or kill a run under way; stdout and stderr are discarded unless ``popen`` says otherwise. The
    module's temporary folder is in ``tmp_path``: a killed module leaves it behind, there and not in
    ~/.ansible/tmp."""
    book = tmp_path / 'play.yml'
    book.write_text(yaml.safe_dump(play, sort_keys=False))
    popen.setdefault('stdout', subprocess.DEVNULL)
    popen.setdefault('stderr', subprocess.DEVNULL)
    env = ansible_env(fake, {'ANSIBLE_REMOTE_TMP': str(tmp_path / 'ansible-tmp')})
    return subprocess.Popen(_command(tmp_path, str(book)), cwd=str(tmp_path), env=env, start_new_session=True,
                            **popen)


def fake_stats(fake):
    return requests.get(fake.url + '/__fake__/stats').json()


def reset_stats(fake):
    requests.post(fake.url + '/__fake__/reset-stats')
