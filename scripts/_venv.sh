# Sourced by scripts/quickstart and scripts/test: the virtual environments they make and use.
# Needs only a Python 3.11+ (python3, or the one named by $PYTHON) and the package index; the
# versions installed are exactly those pinned, with hashes, in requirements/*.txt (./scripts/lock).

PYTHON=${PYTHON:-python3}
STAMP=.whosbehind-lock

check_python() {
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "whosbehind needs Python 3.11 or newer; '$PYTHON' is $("$PYTHON" -V 2>&1 || echo missing)." >&2
        echo "Name another with PYTHON=/path/to/python3.11 $0" >&2
        exit 1
    fi
}

# What a venv was built from: the lock, pyproject.toml and the Python that made it.
lock_stamp() {
    "$PYTHON" - "$1" <<'PY'
import hashlib, sys
digest = hashlib.sha256(sys.version.encode())
for name in (sys.argv[1], "pyproject.toml"):
    digest.update(open(name, "rb").read())
print(f"{sys.argv[1]} {digest.hexdigest()}")
PY
}

# pip install into the venv at $1. pip's notes that a local extra index configured on this
# machine has no page for some package are left out; every other message is shown.
pip_install() {
    local dir=$1
    shift
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@" \
        2> >(grep -v "^WARNING: Location 'file:.*' is ignored: it is neither a file nor a directory" >&2)
}

# install_lock DIR LOCK: add the pinned packages of LOCK to the venv at DIR, then whosbehind from
# this tree, editable (the code here is what runs) and without dependencies (the lock has them).
install_lock() {
    rm -f "$1/$STAMP"
    pip_install "$1" --require-hashes -r "$2"
    pip_install "$1" --no-deps -e .
    lock_stamp "$2" > "$1/$STAMP"
}

# new_venv DIR LOCK: a new venv at DIR (anything there before is removed) with exactly LOCK.
new_venv() {
    echo "==> creating $1: a virtual environment ($("$PYTHON" -V)) with the versions in $2"
    if ! "$PYTHON" -m venv --clear "$1"; then
        echo "'$PYTHON -m venv' failed; on Debian or Ubuntu: apt-get install python3-venv" >&2
        exit 1
    fi
    install_lock "$1" "$2"
}

# use_venv DIR LOCK [--accept OTHER | --extend BASE]: make sure the venv at DIR holds LOCK's
# packages and whosbehind. One built from LOCK (and this pyproject.toml) is reused as it is; so is
# one built from OTHER (--accept: a lock with the same pins and more); one built from BASE
# (--extend: a lock whose pins LOCK repeats) gets LOCK's additions; anything else is built anew.
# Under CI=true it is always built anew, so that CI installs what a new machine installs.
use_venv() {
    local dir=$1 lock=$2 how=${3:-} other=${4:-} have=""
    [[ -x "$dir/bin/python" && -f "$dir/$STAMP" ]] && have=$(cat "$dir/$STAMP")
    if [[ "${CI:-}" == true || -z "$have" ]]; then
        new_venv "$dir" "$lock"
    elif [[ "$have" == "$(lock_stamp "$lock")" ]]; then
        echo "==> using $dir (built from $lock)"
    elif [[ "$how" == --accept && "$have" == "$(lock_stamp "$other")" ]]; then
        echo "==> using $dir (built from $other, which pins the same versions as $lock)"
    elif [[ "$how" == --extend && "$have" == "$(lock_stamp "$other")" ]]; then
        echo "==> adding the packages of $lock to $dir"
        install_lock "$dir" "$lock"
    else
        new_venv "$dir" "$lock"
    fi
}
