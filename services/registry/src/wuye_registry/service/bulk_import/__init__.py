"""Bulk import of a county's registry: jurisdictions, compounds, buildings, households, owners, posts.

What counts as one import and in what order: see ``adapters/import_files.py`` (a folder of CSV files, one
CSV file, or one workbook; kinds are imported in the order jurisdictions → compounds → buildings →
households → owners → posts, each kind referring only to rows of the kinds before it, in the database or
earlier in the same import).

Batches, all or nothing (``county.py``). Rows of each kind are taken in batches of ``batch_size`` rows
(default 5,000, at most 20,000); the kind's module (``jurisdictions``, ``compounds``, ``buildings``,
``households``, ``owners``, ``posts``) validates every row by the registry domain (``domain/places.py``,
``domain/area.py``, the chassis ``pii`` rules for phone and ID number) and writes the batch. A batch
with no bad row is written in one transaction; a batch with any bad row is rejected whole: nothing of
it is written, every bad row is listed in the error report, and the import continues with the next
batch. A batch that the database refuses (a constraint the validation could not see, such as a
concurrent writer) is rejected the same way, with one report line naming its first and last row. The
owners of one unit are never split across batches, so a batch may run a few rows over its size.

The error report (``adapters/import_report.py``, beside the reader) is a CSV file next to the input
(``<file>.errors.csv``, or ``<folder>.errors.csv``) with the columns file, sheet, row, field, rule,
message: the row number as a spreadsheet shows it, the file's column name, and the rule refused (the
domain's rule names: ``positive``, ``max_two_decimals``, ``unknown_compound``, ``shares_sum_to_one`` …).
It is written only when some row is refused; an older report is removed by an import that refuses
nothing.

Idempotent. Every table is written by upsert on its natural key (jurisdiction code, compound code,
building code in its compound, unit number in its building, owner person in the unit) and a row is
rewritten only when its content differs, so importing the same files again changes nothing and
announces nothing. People are keyed by ``person_key``, unique within the county: their id is derived
from the county and the key, so an owner of several units is one person, and a re-import finds the same
person again. Phone and ID number are stored encrypted with blind indexes (``wuye_chassis.pii``).

Posts (``posts.py``) are added, never changed or ended by a file: a post already held is left as it is. Each
new post is announced (``PostAssigned``) in its batch's transaction.

Events, through the outbox, in the transaction of the change they announce: ``JurisdictionRegistered``
for each new jurisdiction, ``CompoundRegistered`` for each new compound, ``CompoundUpdated`` when an
import changes a compound's name, type or management mode. Household and owner changes are announced
once per compound per import, not once per unit: after the last batch, one transaction publishes one
``HouseholdRosterChanged`` (compound id and path only; the consumer re-reads the roster) for each
compound whose units or owners this import changed. If the process dies after a batch committed and
before that announcement, importing the same files again finds nothing to change, so run it with
``announce_all`` (``--announce-all``), which announces every compound the files name.
"""

