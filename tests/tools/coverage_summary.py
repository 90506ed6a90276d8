"""Print the line and branch coverage of plugins/ and plugins/module_utils from the JSON report of
`make unit`, and fail when the unit tests cover less than 90% of the plugins/module_utils lines."""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE_UTILS_MINIMUM = 90.0


def totals(files, folder):
    """(lines run, lines, branches taken, branches) of the files under ``folder``."""
    counts = [0, 0, 0, 0]
    for path, entry in files.items():
        if not path.startswith(folder + '/'):
            continue
        summary = entry['summary']
        for index, key in enumerate(('covered_lines', 'num_statements', 'covered_branches', 'num_branches')):
            counts[index] += summary.get(key, 0)
    return counts


def percent(part, whole):
    return 100.0 * part / whole if whole else 100.0


def main(report=os.path.join(ROOT, 'tests', 'output', 'coverage.json')):
    with open(report, encoding='utf-8') as handle:
        files = json.load(handle)['files']
    ok = True
    for folder in ('plugins', 'plugins/module_utils'):
        run, lines, taken, branches = totals(files, folder)
        print('%-21s lines %5.1f%% (%d of %d), branches %5.1f%% (%d of %d)' % (
            folder + '/', percent(run, lines), run, lines, percent(taken, branches), taken, branches))
        if folder == 'plugins/module_utils' and percent(run, lines) < MODULE_UTILS_MINIMUM:
            print('the unit tests cover less than %d%% of the plugins/module_utils lines' % MODULE_UTILS_MINIMUM)
            ok = False
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
