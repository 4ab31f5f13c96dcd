package crm

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
)

// Export writes the formats that import reads (docs/csv.md): comma-separated,
// UTF-8 without a byte-order mark, a header with every column, rows in a
// stable order, so that exporting twice gives the same bytes and an export
// imported into an empty register exports the same again.

// ExportContacts writes every organisation and contact as a contacts file,
// ordered by organisation then contact name. An organisation gets a row of
// its own (contact empty) when it has switchboard numbers or number ranges,
// or no contacts; its values (status, account manager, client since, annual
// value, services) are repeated on each of its rows. Contacts that belong to
// no organisation are left out: the format has no place for them. Rows are
// streamed from one read transaction, so the file is a consistent snapshot.
func (s *Store) ExportContacts(ctx context.Context, w io.Writer) error {
	tx, err := s.read.BeginTx(ctx, nil)
	if err != nil {
		return internal(err, "starting export")
	}
	defer tx.Rollback()

	orgs, err := tx.QueryContext(ctx, `SELECT o.name_key, `+exportOrgColumns+`,
		(SELECT json_group_array(json_array(p.label, p.raw, p.e164) ORDER BY p.id)
			FROM phone_numbers p WHERE p.organisation_id = o.id),
		(SELECT json_group_array(r.raw ORDER BY r.id) FROM number_ranges r WHERE r.organisation_id = o.id)
		FROM organisations o LEFT JOIN employees am ON am.id = o.account_manager_id
		WHERE EXISTS (SELECT 1 FROM phone_numbers p WHERE p.organisation_id = o.id)
			OR EXISTS (SELECT 1 FROM number_ranges r WHERE r.organisation_id = o.id)
			OR NOT EXISTS (SELECT 1 FROM contacts c WHERE c.organisation_id = o.id)
		ORDER BY o.name_key`)
	if err != nil {
		return internal(err, "exporting organisations")
	}
	defer orgs.Close()
	people, err := tx.QueryContext(ctx, `SELECT o.name_key, `+exportOrgColumns+`,
		c.name, c.job_title, c.email, c.language,
		(SELECT json_group_array(json_array(p.label, p.raw, p.e164) ORDER BY p.id)
			FROM phone_numbers p WHERE p.contact_id = c.id)
		FROM organisations o JOIN contacts c ON c.organisation_id = o.id
		LEFT JOIN employees am ON am.id = o.account_manager_id
		ORDER BY o.name_key, c.name_key`)
	if err != nil {
		return internal(err, "exporting contacts")
	}
	defer people.Close()

	cw := csv.NewWriter(w)
	if err := cw.Write(contactColumnNames); err != nil {
		return internal(err, "writing export")
	}
	var org, person exportRow
	haveOrg, err := org.scanOrg(orgs)
	if err != nil {
		return err
	}
	havePerson, err := person.scanContact(people)
	if err != nil {
		return err
	}
	rec := make([]string, len(contactColumnNames))
	for haveOrg || havePerson {
		// The organisation's own row comes before its contacts.
		if haveOrg && (!havePerson || org.key <= person.key) {
			err = org.record(rec)
			if err == nil {
				haveOrg, err = org.scanOrg(orgs)
			}
		} else {
			err = person.record(rec)
			if err == nil {
				havePerson, err = person.scanContact(people)
			}
		}
		if err != nil {
			return err
		}
		if err := cw.Write(rec); err != nil {
			return internal(err, "writing export")
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return internal(err, "writing export")
	}
	return nil
}

const exportOrgColumns = `o.name, o.status, coalesce(o.client_since, ''), o.annual_value_cents, coalesce(am.name, ''),
	(SELECT coalesce(group_concat(sv.code, '; ' ORDER BY sv.code), '') FROM subscriptions sub
		JOIN services sv ON sv.id = sub.service_id WHERE sub.organisation_id = o.id AND sub.status = 'active')`

// exportRow is one row of a contacts export as read from the database.
type exportRow struct {
	key                        string
	org, status, since, am     string
	value                      Money
	services                   string
	contact, role, email, lang string
	numbers, ranges            string // JSON arrays
}

func (r *exportRow) scanOrg(rows *sql.Rows) (bool, error) {
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return false, internal(err, "exporting organisations")
		}
		return false, nil
	}
	*r = exportRow{}
	if err := rows.Scan(&r.key, &r.org, &r.status, &r.since, &r.value, &r.am, &r.services,
		&r.numbers, &r.ranges); err != nil {
		return false, internal(err, "exporting organisations")
	}
	return true, nil
}

func (r *exportRow) scanContact(rows *sql.Rows) (bool, error) {
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return false, internal(err, "exporting contacts")
		}
		return false, nil
	}
	*r = exportRow{}
	if err := rows.Scan(&r.key, &r.org, &r.status, &r.since, &r.value, &r.am, &r.services,
		&r.contact, &r.role, &r.email, &r.lang, &r.numbers); err != nil {
		return false, internal(err, "exporting contacts")
	}
	return true, nil
}

func (r *exportRow) record(rec []string) error {
	phones, err := numberList(r.numbers)
	if err != nil {
		return err
	}
	ranges, err := rangeList(r.ranges)
	if err != nil {
		return err
	}
	value := ""
	if r.value != 0 {
		value = r.value.String()
	}
	rec[ccOrganisation] = r.org
	rec[ccContact] = r.contact
	rec[ccRole] = r.role
	rec[ccPhone] = phones
	rec[ccEmail] = r.email
	rec[ccAccountManager] = r.am
	rec[ccClientSince] = r.since
	rec[ccAnnualValue] = value
	rec[ccServices] = r.services
	rec[ccStatus] = r.status
	rec[ccLanguage] = r.lang
	rec[ccNumberRanges] = ranges
	return nil
}

// numberList turns a JSON array of [label, raw, e164] into
// "mobile:06 1234 5678; direct:020 555 1234". A raw text that would not
// survive the list syntax is replaced by its E.164 form.
func numberList(js string) (string, error) {
	if js == "" || js == "[]" {
		return "", nil
	}
	var nums [][3]string
	if err := json.Unmarshal([]byte(js), &nums); err != nil {
		return "", internal(err, "exporting numbers")
	}
	var b strings.Builder
	for i, n := range nums {
		if i > 0 {
			b.WriteString("; ")
		}
		raw := n[1]
		if raw == "" || strings.ContainsRune(raw, ';') {
			raw = n[2]
		}
		b.WriteString(n[0])
		b.WriteByte(':')
		b.WriteString(raw)
	}
	return b.String(), nil
}

// rangeList turns a JSON array of prefixes as written into "020 555 12; 030 22".
func rangeList(js string) (string, error) {
	if js == "" || js == "[]" {
		return "", nil
	}
	var raws []string
	if err := json.Unmarshal([]byte(js), &raws); err != nil {
		return "", internal(err, "exporting number ranges")
	}
	return strings.Join(raws, "; "), nil
}

// ExportEmployees writes every employee as an employees file, by name.
func (s *Store) ExportEmployees(ctx context.Context, w io.Writer) error {
	rows, err := s.read.QueryContext(ctx, `SELECT e.name, e.email, e.role, e.extension,
		(SELECT json_group_array(json_array(p.label, p.raw, p.e164) ORDER BY p.id)
			FROM phone_numbers p WHERE p.employee_id = e.id)
		FROM employees e ORDER BY lower(e.name), e.id`)
	if err != nil {
		return internal(err, "exporting employees")
	}
	defer rows.Close()
	cw := csv.NewWriter(w)
	if err := cw.Write(employeeColumnNames); err != nil {
		return internal(err, "writing export")
	}
	rec := make([]string, len(employeeColumnNames))
	for rows.Next() {
		var nums string
		if err := rows.Scan(&rec[0], &rec[1], &rec[2], &rec[3], &nums); err != nil {
			return internal(err, "exporting employees")
		}
		if rec[4], err = numberList(nums); err != nil {
			return err
		}
		if err := cw.Write(rec); err != nil {
			return internal(err, "writing export")
		}
	}
	if err := rows.Err(); err != nil {
		return internal(err, "exporting employees")
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return internal(err, "writing export")
	}
	return nil
}

// ExportServices writes the catalogue as a services file, by code.
func (s *Store) ExportServices(ctx context.Context, w io.Writer) error {
	services, err := s.Services(ctx)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(serviceColumnNames); err != nil {
		return internal(err, "writing export")
	}
	for _, sv := range services {
		cps := make([]string, len(sv.Complements))
		for i, c := range sv.Complements {
			cps[i] = c.Of + ":" + strconv.FormatFloat(c.Weight, 'g', -1, 64)
		}
		if err := cw.Write([]string{sv.Code, sv.Name, sv.Pitch, strings.Join(sv.Keywords, " "), strings.Join(cps, "; ")}); err != nil {
			return internal(err, "writing export")
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return internal(err, "writing export")
	}
	return nil
}
