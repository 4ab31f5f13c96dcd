-- A counter that moves on with every change to the service catalogue, so
-- that a reader may keep the catalogue in memory and knows when to read it
-- again, whichever process changed it. Every caller card ranks hints
-- against the whole catalogue.
CREATE TABLE catalogue_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, 1);

CREATE TRIGGER services_inserted AFTER INSERT ON services
BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER services_updated AFTER UPDATE ON services
BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER services_deleted AFTER DELETE ON services
BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER service_complements_inserted AFTER INSERT ON service_complements
BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER service_complements_updated AFTER UPDATE ON service_complements
BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER service_complements_deleted AFTER DELETE ON service_complements
BEGIN UPDATE catalogue_version SET version = version + 1; END;
