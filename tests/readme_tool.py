"""Keep README.md and docs/*.md true: every `<!-- run: ARGS -->` block shows what `chrono ARGS` really prints.

python3 tests/readme_tool.py          check (exit 1 and a diff when a page drifted)
python3 tests/readme_tool.py --write  rewrite the output blocks from real runs

A block is a marker line followed by a fenced code block:

    <!-- run: search kirov -n 3 -->
    ```console
    $ chrono search kirov -n 3
    ...output...
    ```

Commands run in-process with COLUMNS=100, no colour and a tty-free stdout (so tables are asked for
explicitly with -f table). `<!-- help: COMMAND -->` blocks hold `chrono COMMAND --help`.
"""

from __future__ import annotations

import difflib
import re
import shlex
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
PAGES = [README, *sorted((REPO / "docs").glob("*.md"))]
BLOCK_RE = re.compile(r"<!-- (run|help):(?: ([^\n]*?))? -->\n```(\w*)\n(.*?)```\n", re.S)
WIDTH = "100"


def run_chrono(args: list[str], stdin: str | None = None) -> str:
    """What chrono prints (stdout, then stderr) for these arguments, as a user would see it."""
    from click.testing import CliRunner

    from chrono.cli import cli

    env = {"COLUMNS": WIDTH, "NO_COLOR": "1", "CHRONO_DATA": "", "SOURCE_DATE_EPOCH": "0"}
    result = CliRunner().invoke(cli, args, input=stdin, env=env, prog_name="chrono", terminal_width=100)
    return result.stdout + result.stderr


def render(kind: str, spec: str, lang: str) -> str:
    """The new body of one block."""
    if kind == "help":
        args = [*shlex.split(spec), "--help"] if spec else ["--help"]
        shown = "chrono " + " ".join(args)
    else:
        args = shlex.split(spec)
        shown = f"chrono {spec}".rstrip()
    out = run_chrono(args)
    return f"$ {shown}\n{out}" if lang == "console" else out


def rewrite(text: str) -> str:
    """The README with every block's output regenerated."""

    def block(m: re.Match[str]) -> str:
        kind, spec, lang = m.group(1), (m.group(2) or "").strip(), m.group(3)
        body = render(kind, spec, lang)
        if not body.endswith("\n"):
            body += "\n"
        marker = f"<!-- {kind}: {spec} -->" if spec else f"<!-- {kind}: -->"
        return f"{marker}\n```{lang}\n{body}```\n"

    return BLOCK_RE.sub(block, text)


def main() -> int:
    """Check or rewrite every page."""
    drifted = 0
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        new = rewrite(text)
        if "--write" in sys.argv:
            if new != text:
                page.write_text(new, encoding="utf-8")
        elif new != text:
            name = str(page.relative_to(REPO))
            sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new.splitlines(True), name,
                                                       f"{name} (real output)"))
            drifted += 1
    return 1 if drifted else 0


if __name__ == "__main__":
    sys.exit(main())
