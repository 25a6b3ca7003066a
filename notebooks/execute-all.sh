#!/usr/bin/env bash
# Runs every notebook in notebooks/ (or the ones named) headless through the LithOS-J Java kernel and
# writes the outputs back into the notebook files, so committed notebooks show their tables and figures.
# A notebook with a failing cell is left untouched; the script names the notebook and the cell, prints
# the error, runs the remaining notebooks and exits 1.
#
#   notebooks/execute-all.sh                      # all notebooks/*.ipynb
#   notebooks/execute-all.sh notebooks/00-quickstart.ipynb
#
# Needs: lithos-jupyter/target/lithos-jupyter.jar (mvn -B package -pl lithos-jupyter -am -DskipTests)
# and Jupyter's nbclient (Debian packages listed in lithos-jupyter/APT-PACKAGES).
# Environment: LITHOS_CELL_TIMEOUT_S (per cell, default 900), JAVA (java for the kernel, default: java
# on PATH), PYTHON (a python3 with nbclient and nbformat).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
jar="$repo/lithos-jupyter/target/lithos-jupyter.jar"
apt_packages="$(tr '\n' ' ' < "$repo/lithos-jupyter/APT-PACKAGES" | sed 's/ *$//')"

python=""
for candidate in "${PYTHON:-}" python3 /usr/bin/python3; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 \
     && "$candidate" -c 'import nbclient, nbformat' >/dev/null 2>&1; then
    python="$candidate"
    break
  fi
done
if [ -z "$python" ]; then
  echo "execute-all.sh: Jupyter is missing (no python3 with nbclient and nbformat found)." >&2
  echo "  Install the Debian packages:  sudo apt-get install -y $apt_packages" >&2
  echo "  (or point PYTHON at a python3 that has nbclient and nbformat)" >&2
  exit 2
fi
if [ ! -f "$jar" ]; then
  echo "execute-all.sh: $jar is missing; build it first:" >&2
  echo "  mvn -B -q package -pl lithos-jupyter -am -DskipTests" >&2
  exit 2
fi

if [ "$#" -gt 0 ]; then
  notebooks=("$@")
else
  shopt -s nullglob
  notebooks=("$here"/*.ipynb)
  shopt -u nullglob
fi
if [ "${#notebooks[@]}" -eq 0 ]; then
  echo "execute-all.sh: no notebooks in $here" >&2
  exit 2
fi

# A private kernelspec and runtime dir: nothing in the user's Jupyter setup is read or changed.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"${JAVA:-java}" -jar "$jar" install --data-dir "$tmp/jupyter" >/dev/null
export JUPYTER_PATH="$tmp/jupyter"
export JUPYTER_DATA_DIR="$tmp/jupyter"
export JUPYTER_RUNTIME_DIR="$tmp/runtime"

"$python" - "${notebooks[@]}" <<'PY'
import os, re, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ANSI = re.compile(r"\x1b\[[0-9;]*m")
timeout = int(os.environ.get("LITHOS_CELL_TIMEOUT_S", "900"))
failures = 0
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    current = {"index": None}
    client = NotebookClient(
        nb, kernel_name="lithos-java", timeout=timeout, startup_timeout=120, record_timing=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
        on_cell_start=lambda cell, cell_index: current.update(index=cell_index))
    started = time.time()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        failures += 1
        i = current["index"]
        cell = nb.cells[i] if i is not None else None
        first = next((l for l in (cell.source.splitlines() if cell else []) if l.strip()), "")
        where = ("cell %d of %d (code cell %d of %d), starting: %s" % (i + 1, len(nb.cells), code_cells.index(i) + 1,
                                                                  len(code_cells), first.strip())
                 if cell is not None else "before the first cell")
        print("FAILED %s: %s" % (path, where), file=sys.stderr)
        if isinstance(e, CellExecutionError):
            print("  %s: %s" % (e.ename, ANSI.sub("", e.evalue)), file=sys.stderr)
            errors = [o for o in (cell.outputs if cell else []) if o.get("output_type") == "error"]
            for line in (errors[0].get("traceback", []) if errors else []):
                for l in ANSI.sub("", line).splitlines():
                    print("    " + l, file=sys.stderr)
        else:
            print("  %s: %s" % (type(e).__name__, ANSI.sub("", str(e)).splitlines()[0]), file=sys.stderr)
        print("  (notebook left unchanged)", file=sys.stderr)
        continue
    nbformat.write(nb, path)
    print("ok      %s: %d code cells in %.1f s" % (path, len(code_cells), time.time() - started))
sys.exit(1 if failures else 0)
PY
