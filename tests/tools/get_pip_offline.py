"""Offline stand-in for the get-pip bootstrap script ansible-test downloads.

ansible-test creates empty virtual environments and then runs a cached
``get-pip.py`` in them, downloading it first from the internet when it is not
cached. Machines without internet cannot do that, so the test tooling places
this file in ansible-test's cache instead. Called the way get-pip.py is called
(its arguments are pip install arguments), it installs pip from the
interpreter's own ``ensurepip`` wheel, then runs ``pip install`` with the same
arguments through the configured package index.
"""
import subprocess
import sys


def main():
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'],
                          stdout=subprocess.DEVNULL)
    args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
    subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)


if __name__ == '__main__':
    main()
