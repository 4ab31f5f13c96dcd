-- CHECK constraints that test a column against a list of three or more
-- values are rewritten as a chain of comparisons with the same meaning.
-- SQLite evaluates "x IN ('a', 'b', 'c')" by building a temporary b-tree of
-- the list every time a statement runs: 1.5 us more on each INSERT into
-- these tables (2.3 us against 0.8 us; docs/performance.md, "Import"),
-- about a tenth of a contacts import. "x = 'a' OR x = 'b' OR x = 'c'" is
-- true, false or NULL exactly when the IN list is, so every stored row
-- still satisfies it.
--
-- The constraint text is changed in place, the procedure SQLite documents
-- for changing a CHECK constraint without rebuilding the table (lang_
-- altertable.html, "Making other kinds of table schema changes"); the
-- migration runner moves the schema version on so that every connection
-- reads the new text. crm.TestNoTemporaryTablesInWrites fails if any list
-- is left.
PRAGMA writable_schema = ON;

UPDATE sqlite_schema SET sql = replace(sql,
    'role IN (''receptionist'', ''account_manager'', ''service_manager'', ''admin'', ''engineer'')',
    'role = ''receptionist'' OR role = ''account_manager'' OR role = ''service_manager'' OR role = ''admin'' OR role = ''engineer''')
WHERE type = 'table' AND name = 'employees';

UPDATE sqlite_schema SET sql = replace(sql,
    'status IN (''active'', ''prospect'', ''former'')',
    'status = ''active'' OR status = ''prospect'' OR status = ''former''')
WHERE type = 'table' AND name = 'organisations';

UPDATE sqlite_schema SET sql = replace(sql,
    'label IN (''mobile'', ''direct'', ''switchboard'', ''home'', ''other'')',
    'label = ''mobile'' OR label = ''direct'' OR label = ''switchboard'' OR label = ''home'' OR label = ''other''')
WHERE type = 'table' AND name = 'phone_numbers';

UPDATE sqlite_schema SET sql = replace(sql,
    'status IN (''active'', ''cancelled'', ''ended'')',
    'status = ''active'' OR status = ''cancelled'' OR status = ''ended''')
WHERE type = 'table' AND name = 'subscriptions';

UPDATE sqlite_schema SET sql = replace(replace(sql,
    'kind IN (''call'', ''note'', ''callback'', ''visit'', ''email'', ''hint'', ''lead'', ''care'')',
    'kind = ''call'' OR kind = ''note'' OR kind = ''callback'' OR kind = ''visit'' OR kind = ''email'' OR kind = ''hint'' OR kind = ''lead'' OR kind = ''care'''),
    'outcome IN ('''', ''won'', ''lost'')',
    'outcome = '''' OR outcome = ''won'' OR outcome = ''lost''')
WHERE type = 'table' AND name = 'interactions';

UPDATE sqlite_schema SET sql = replace(sql,
    'status IN (''ringing'', ''answered'', ''ended'', ''missed'')',
    'status = ''ringing'' OR status = ''answered'' OR status = ''ended'' OR status = ''missed''')
WHERE type = 'table' AND name = 'calls';

UPDATE sqlite_schema SET sql = replace(sql,
    'role IN (''receptionist'', ''account_manager'', ''service_manager'', ''admin'')',
    'role = ''receptionist'' OR role = ''account_manager'' OR role = ''service_manager'' OR role = ''admin''')
WHERE type = 'table' AND name = 'users';

PRAGMA writable_schema = OFF;
