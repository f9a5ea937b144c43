"""Write the test fixtures a data owner's software would write: the stand-in file as GNU PSPP saves it.

    python -m tools.pspp_fixtures     # needs `pspp` (Debian: apt install pspp); writes tests/data/pspp/

- resaved.sav: opened and saved again by PSPP (its own writer, compressed as SPSS does by default);
- resaved.zsav: the same, zlib-compressed (.zsav, SPSS 21 and later);
- windows-1252.sav: built by PSPP from the data and the codebook's labels in the Windows-1252 code page, as older
  SPSS installations write (the Dutch accents, 'Fryslân', 'creëren', as single bytes), with a delivery's extra
  variables (the agency's weight and interview length) that the book must ignore.

The files are committed, so the tests need no PSPP; this script documents and repeats how they were made.
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from pzboek import paths
from pzboek.survey import STANDIN_LABEL, load_codebook, read_sav

FIXTURES = paths.ROOT / "tests" / "data" / "pspp"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def windows_1252_syntax(csv: Path, target: Path, columns: list[str]) -> str:
    """PSPP syntax that reads the data as CSV and labels it from the codebook, in the Windows-1252 code page."""
    codebook = load_codebook()
    known = [c for c in columns if c in codebook.variables]
    lines = ["SET LOCALE='windows-1252'.",
             f"GET DATA /TYPE=TXT /FILE={_quoted(str(csv))} /ENCODING='UTF-8' /ARRANGEMENT=DELIMITED",
             "  /DELIMITERS=',' /FIRSTCASE=2 /VARIABLES=" + " ".join(f"{c} F8.{3 if c not in known else 0}" for c in columns) + ".",
             f"FILE LABEL {_quoted(STANDIN_LABEL)}."]
    for name in known:
        var = codebook[name]
        lines.append(f"VARIABLE LABELS {name} {_quoted(var.label[:255])}.")
        if var.values:
            lines.append(f"VALUE LABELS {name} " + " ".join(f"{code} {_quoted(label)}" for code, label in var.values.items()) + ".")
        if var.missing:
            lines.append(f"MISSING VALUES {name} ({', '.join(str(c) for c in sorted(var.missing))}).")
    lines.append(f"SAVE OUTFILE={_quoted(str(target))}.")
    return "\n".join(lines) + "\n"


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    data, _ = read_sav(paths.STANDIN_SURVEY)
    # a delivery's own variables, which the book ignores: the agency's weight and the interview's length
    data = data.assign(weegfactor_io=1.0, duur_minuten=(data.index % 17 + 8).astype(float))
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "data.csv"
        data.to_csv(csv, index=False, na_rep="")
        syntax = (f"GET FILE={_quoted(str(paths.STANDIN_SURVEY))}.\n"
                  f"SAVE OUTFILE={_quoted(str(FIXTURES / 'resaved.sav'))}.\n"
                  f"SAVE OUTFILE={_quoted(str(FIXTURES / 'resaved.zsav'))} /ZCOMPRESSED.\n"
                  "NEW FILE.\n" + windows_1252_syntax(csv, FIXTURES / "windows-1252.sav", list(data.columns)))
        script = Path(folder) / "fixtures.sps"
        script.write_text(syntax, encoding="utf-8")
        subprocess.run(["pspp", "-O", "format=txt", "-o", str(Path(folder) / "log.txt"), str(script)], check=True)
    for path in sorted(FIXTURES.iterdir()):
        print(f"wrote {path.relative_to(paths.ROOT)} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
