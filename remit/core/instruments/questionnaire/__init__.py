"""Other teams' FHIR Questionnaires and QuestionnaireResponses, read in Remit's terms. No Django here.

Read top to bottom:

- ``reading``: a Questionnaire's answerable items, codes and ordinal values
  (``questionnaire_items``); ``QuestionnaireError`` names the element at fault.
- ``matching``: which built-in instrument a Questionnaire is, item by item
  (``match_instrument``), and a licensed instrument's wording from it
  (``wording_from_questionnaire``).
- ``responses``: a QuestionnaireResponse as Remit answers
  (``answers_from_response``), scored by ``remit.core.instruments.score``
  and compared with the sender's total (``score_response``).
- ``new_instrument``: a Questionnaire that matches nothing as a new
  sum-scored instrument (``questionnaire_to_instrument``).
- ``terms``: the total item's linkId and each answer's Coding, shared with
  the FHIR export so what Remit writes reads back the same.
"""

from remit.core.instruments.questionnaire.matching import (
    InstrumentMatch,
    map_items,
    match_instrument,
    wording_from_questionnaire,
)
from remit.core.instruments.questionnaire.new_instrument import questionnaire_to_instrument
from remit.core.instruments.questionnaire.reading import (
    QItem,
    QOption,
    QuestionnaireError,
    ordinal_of,
    questionnaire_items,
)
from remit.core.instruments.questionnaire.responses import (
    ResponseAnswers,
    ScoredResponse,
    ScoreMismatch,
    answers_from_response,
    score_response,
)
from remit.core.instruments.questionnaire.terms import TOTAL_LINK_ID, answer_system, option_coding

__all__ = [
    "TOTAL_LINK_ID",
    "InstrumentMatch",
    "QItem",
    "QOption",
    "QuestionnaireError",
    "ResponseAnswers",
    "ScoreMismatch",
    "ScoredResponse",
    "answer_system",
    "answers_from_response",
    "map_items",
    "match_instrument",
    "option_coding",
    "ordinal_of",
    "questionnaire_items",
    "questionnaire_to_instrument",
    "score_response",
    "wording_from_questionnaire",
]
