"""The little runner the python-gitlab scripts share: `@check` functions run in order,
each failure printed with its traceback, the exit status 1 when any failed."""
import sys
import traceback

import gitlab

checks = []


def check(fn):
    checks.append(fn)
    return fn


def expect_error(status, call, text=None):
    """`call()` must fail with this HTTP status (and text in its message)."""
    try:
        call()
    except gitlab.GitlabError as e:
        assert e.response_code == status, f"expected {status}, got {e.response_code}: {e}"
        assert text is None or text in str(e), f"expected {text!r} in {e}"
        return
    raise AssertionError(f"expected HTTP {status}, the call succeeded")


def run(what):
    failures = 0
    for fn in checks:
        try:
            fn()
            print(f"ok   {fn.__name__}")
        except Exception:
            failures += 1
            print(f"FAIL {fn.__name__}")
            traceback.print_exc(file=sys.stdout)
    print(f"{len(checks) - failures}/{len(checks)} {what} checks passed")
    return 1 if failures else 0
