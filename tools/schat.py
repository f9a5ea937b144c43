"""Look a number up before adding it to the book (AUTEURS.md):

    python -m tools.schat VARIABELE CODES [SUBGROEP]      e.g.  python -m tools.schat betalen 1 geslacht=1

prints the weighted share in the configured survey file as a chapter shows it, with its interval and base.
"""
from __future__ import annotations

import sys

from pzboek import dutch, paths
from pzboek.survey import SurveyError

USAGE = "usage: python -m tools.schat VARIABELE CODES [SUBGROEP]   (CODES like 1 or 4;5, SUBGROEP like geslacht=1)"


def describe(variable: str, codes: str, subgroup: str = "") -> str:
    from pzboek.data import load_weighted_survey

    survey = load_weighted_survey()
    if variable not in survey.codebook.variables:
        raise SurveyError(f"{paths.CODEBOOK}: variable '{variable}' is not in the codebook")
    try:
        answer_codes = tuple(int(c) for c in codes.split(";"))
    except ValueError:
        raise SurveyError(f"codes '{codes}' are not whole numbers separated by ';'") from None
    if bad := [c for c in answer_codes if c not in survey.codebook[variable].values]:
        raise SurveyError(f"{paths.CODEBOOK}: variable '{variable}' has no code {bad[0]}")
    est = survey.estimate(variable, answer_codes, subgroup)
    labels = ", ".join(survey.codebook[variable].values[c] for c in answer_codes)
    return (f"{variable} = {codes} ({labels}){' in ' + subgroup if subgroup else ''}: {dutch.procent(est.share)} "
            f"({dutch.procent(est.share, 1)}; 95%-interval {dutch.procent(est.lower, 1)}–{dutch.procent(est.upper, 1)}; "
            f"{dutch.getal(est.n)} respondenten, ongewogen) in {survey.path}")


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        print(describe(*argv))
    except SurveyError as err:
        print("\n".join(f"error: {line}" for line in str(err).splitlines()), file=sys.stderr)  # one per problem
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
