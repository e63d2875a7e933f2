"""``remit fhir import``: read a Bundle or NDJSON, validate ALL of it, then store it in one transaction.

All or nothing. Every problem becomes an issue of an OperationOutcome naming
the resource (type/id and Bundle entry index or NDJSON file and line) and the
FHIRPath of the element; if there is any error, nothing is stored
(``ImportRejected``). What is stored goes through the apps' actions, so every
stored record has its own audit row; one summary audit event closes the run.

What is read: **Patient** (matched by identifier, else new), **Condition**
(ICD-10-CM only, as a diagnosis), **QuestionnaireResponse** (scored by
Remit; the sender's score only compared), **Questionnaire** (read to score
responses, never stored). Everything else (vital signs, ratings, doses,
procedures, flags, …) is validated and counted as ``skipped``. A record the
clinic already holds is matched, not stored again.

The modules, in the order the import runs (``run`` calls them):

- ``sources``: the files' resources and where each came from;
- ``structure``: each resource's structure against the R4B models;
- ``references``: resolving ``subject`` and friends within the import;
- ``patients``, ``conditions``, ``responses`` (with ``questionnaires``, finding
  the Questionnaire a response answers): planning what to store, in ``plan``;
- ``duplicates``: what the clinic already holds;
- ``writing``: storing the plan through the apps' actions;
- ``outcome``: the OperationOutcome and the refusal.
"""

from remit.fhir.importer.outcome import ImportRejected
from remit.fhir.importer.run import ImportResult, import_path
from remit.fhir.importer.writing import ACTOR_LABEL

__all__ = ["ACTOR_LABEL", "ImportRejected", "ImportResult", "import_path"]
