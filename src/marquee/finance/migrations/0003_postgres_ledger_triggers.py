"""PostgreSQL only: the database refuses an unbalanced or altered entry.

- A deferred constraint trigger checks, at commit, that every entry that
  gained lines has at least two and that its CNY debits equal its CNY
  credits (and, when all its lines share one currency, in that currency).
- Row triggers refuse UPDATE and DELETE of posted entries and lines: a
  correction is a reversing entry. (TRUNCATE, used by test flushes, is a
  statement, not a row change, and is not affected.)
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION finance_check_entry_balanced() RETURNS trigger AS $$
DECLARE
    target bigint;
    n integer;
    currencies integer;
    fd bigint;
    fc bigint;
    td bigint;
    tc bigint;
BEGIN
    IF TG_TABLE_NAME = 'finance_journalentry' THEN
        target := NEW.id;
    ELSE
        target := NEW.entry_id;
    END IF;
    SELECT count(*), count(DISTINCT currency),
           coalesce(sum(functional_debit_minor), 0), coalesce(sum(functional_credit_minor), 0),
           coalesce(sum(debit_minor), 0), coalesce(sum(credit_minor), 0)
      INTO n, currencies, fd, fc, td, tc
      FROM finance_journalline WHERE entry_id = target;
    IF n < 2 THEN
        RAISE EXCEPTION 'journal entry % has % line(s); an entry needs at least two', target, n
            USING ERRCODE = 'check_violation';
    END IF;
    IF fd <> fc OR (currencies = 1 AND td <> tc) THEN
        RAISE EXCEPTION 'journal entry % is unbalanced (CNY debits %, credits %)', target, fd, fc
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER finance_entry_balanced
    AFTER INSERT ON finance_journalentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION finance_check_entry_balanced();

CREATE CONSTRAINT TRIGGER finance_line_entry_balanced
    AFTER INSERT ON finance_journalline
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION finance_check_entry_balanced();

CREATE OR REPLACE FUNCTION finance_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable; post a reversing entry', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER finance_entry_immutable
    BEFORE UPDATE OR DELETE ON finance_journalentry
    FOR EACH ROW EXECUTE FUNCTION finance_refuse_change();

CREATE TRIGGER finance_line_immutable
    BEFORE UPDATE OR DELETE ON finance_journalline
    FOR EACH ROW EXECUTE FUNCTION finance_refuse_change();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS finance_line_immutable ON finance_journalline;
DROP TRIGGER IF EXISTS finance_entry_immutable ON finance_journalentry;
DROP FUNCTION IF EXISTS finance_refuse_change();
DROP TRIGGER IF EXISTS finance_line_entry_balanced ON finance_journalline;
DROP TRIGGER IF EXISTS finance_entry_balanced ON finance_journalentry;
DROP FUNCTION IF EXISTS finance_check_entry_balanced();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("finance", "0002_seed_chart")]

    operations = [migrations.RunPython(forward, backward)]
