-- Cards are fetched by the telephone system's call id alone (any source);
-- without this index that look-up scanned every call ever stored.
CREATE INDEX calls_external_id ON calls (external_id);
