package crm_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// openStoreFile opens a fresh register and also returns its file, for tests
// that look at the tables directly.
func openStoreFile(t testing.TB) (*crm.Store, string) {
	t.Helper()
	n, err := phone.New(phone.Config{DefaultRegion: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "callcard.db")
	s, err := crm.Open(context.Background(), crm.Config{Path: path, Phone: n, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// queryInt runs a counting query on the register file itself.
func queryInt(t testing.TB, path, q string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

const testServices = `code,name,pitch,keywords,complements
hosting,Managed hosting,We run your servers.,server website,
backup,Online backup,Every file safe off-site.,backup restore,hosting:0.8; m365:0.5
m365,Microsoft 365,Mail and Teams looked after.,mail teams,
`

const testEmployees = `name,email,role,extension,phone
Sanne Visser,sanne@noordhaven.nl,account manager,211,mobile:06 5550 1234
Bram Balie,bram@noordhaven.nl,receptionist,201,
`

// seedCatalogue imports the services and employees that contact files refer to.
func seedCatalogue(t testing.TB, s *crm.Store) {
	t.Helper()
	ctx := context.Background()
	for _, step := range []struct {
		imp  func(context.Context, io.Reader, crm.ImportOptions) (crm.ImportReport, error)
		file string
	}{{s.ImportServices, testServices}, {s.ImportEmployees, testEmployees}} {
		rep, err := step.imp(ctx, strings.NewReader(step.file), crm.ImportOptions{})
		if err != nil || rep.Failed > 0 {
			t.Fatalf("seeding: %v %v", err, rep.Errors)
		}
	}
}

func importContacts(t testing.TB, s *crm.Store, file string) crm.ImportReport {
	t.Helper()
	rep, err := s.ImportContacts(context.Background(), strings.NewReader(file), crm.ImportOptions{})
	if err != nil {
		t.Fatalf("ImportContacts: %v", err)
	}
	return rep
}

// wantErrors compares reported bad rows as "line:column" strings.
func wantErrors(t testing.TB, rep crm.ImportReport, want ...string) {
	t.Helper()
	var got []string
	for _, e := range rep.Errors {
		got = append(got, strings.Join([]string{itoa(e.Line), e.Column}, ":"))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("bad rows = %v, want %v; errors:\n%s", got, want, errorList(rep))
	}
	if rep.Failed != len(want) {
		t.Errorf("Failed = %d, want %d", rep.Failed, len(want))
	}
}

func errorList(rep crm.ImportReport) string {
	var b strings.Builder
	for _, e := range rep.Errors {
		b.WriteString("\t" + e.Error() + "\n")
	}
	return b.String()
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func exportContacts(t testing.TB, s *crm.Store) string {
	t.Helper()
	var b bytes.Buffer
	if err := s.ExportContacts(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestImportContacts(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		s := openStore(t)
		seedCatalogue(t, s)
		// Columns in another order, in other case and spacing.
		rep := importContacts(t, s, ` Contact ,ORGANISATION,Phone,Role,Email,Account Manager,client_since,annual_value,services,status,language,number_ranges
Martijn de Vries,Acme Logistiek BV,mobile:06 1234 5678; direct:020 794 6112,ICT-manager,martijn@acme.nl,sanne@noordhaven.nl,2019-09-01,8400,hosting;backup,,EN,
,Acme Logistiek BV,020 794 6000,,,,,,,,,020 794 61
Eva Jansen,Acme Logistiek BV,06 8765 4321,,,,,,,,,
`)
		if rep.Rows != 3 || rep.Imported != 3 || rep.Created != 2 || rep.Updated != 1 || rep.Failed != 0 {
			t.Fatalf("report = %+v\n%s", rep, errorList(rep))
		}
		o := must(s.OrganisationByName(ctx, "acme logistiek bv"))
		if o.Status != crm.StatusActive || o.AnnualValue != 840000 || o.AccountManager == nil ||
			o.AccountManager.Name != "Sanne Visser" || o.ClientSince.Format(crm.DateLayout) != "2019-09-01" {
			t.Errorf("organisation = %+v", o)
		}
		if len(o.Numbers) != 1 || o.Numbers[0].E164 != "+31207946000" || o.Numbers[0].Label != crm.LabelSwitchboard {
			t.Errorf("switchboard = %+v", o.Numbers)
		}
		if len(o.Ranges) != 1 || o.Ranges[0].Prefix != "+312079461" {
			t.Errorf("ranges = %+v", o.Ranges)
		}
		people := must(s.Contacts(ctx, o.ID))
		if len(people) != 2 {
			t.Fatalf("contacts = %+v", people)
		}
		m := people[1]
		if m.Name != "Martijn de Vries" || m.JobTitle != "ICT-manager" || m.Email != "martijn@acme.nl" || m.Language != "en" ||
			len(m.Numbers) != 2 || m.Numbers[0].Label != crm.LabelMobile || m.Numbers[1].Label != crm.LabelDirect ||
			m.Numbers[1].Raw != "020 794 6112" {
			t.Errorf("contact = %+v", m)
		}
		if e := people[0]; len(e.Numbers) != 1 || e.Numbers[0].Label != crm.LabelMobile {
			t.Errorf("label from kind: %+v", e.Numbers)
		}
		subs := must(s.Subscriptions(ctx, o.ID))
		if len(subs) != 2 || subs[0].ServiceCode != "backup" || subs[1].ServiceCode != "hosting" ||
			subs[0].Status != crm.SubscriptionActive || subs[0].Since.Format(crm.DateLayout) != "2019-09-01" {
			t.Errorf("subscriptions = %+v", subs)
		}
		for raw, want := range map[string]crm.Match{
			"06 1234 5678": crm.MatchContact, "020 794 6000": crm.MatchOrganisation, "020 794 6199": crm.MatchNumberRange,
		} {
			if r := must(s.Recognise(ctx, raw)); r.Match != want {
				t.Errorf("Recognise(%q) = %s, want %s", raw, r.Match, want)
			}
		}
	})

	t.Run("ErrUnknownColumn", func(t *testing.T) {
		s, path := openStoreFile(t)
		_, err := s.ImportContacts(ctx, strings.NewReader("organisation,contact,telefoon,fax\nAcme,Jan,06 1234 5678,\n"), crm.ImportOptions{})
		var e *crm.Error
		if !errors.As(err, &e) || e.Code != crm.CodeInvalid || !strings.Contains(err.Error(), `"telefoon"`) ||
			!strings.Contains(err.Error(), `"fax"`) {
			t.Fatalf("err = %v", err)
		}
		if n := queryInt(t, path, `SELECT count(*) FROM organisations`); n != 0 {
			t.Errorf("%d organisations written", n)
		}
	})

	t.Run("ErrHeader", func(t *testing.T) {
		s := openStore(t)
		for name, file := range map[string]string{
			"empty":           "",
			"no organisation": "contact,phone\nJan,06 1234 5678\n",
			"twice":           "organisation,contact,Contact\nA,B,C\n",
			"bad quote":       "organisation,\"contact\n",
		} {
			_, err := s.ImportContacts(ctx, strings.NewReader(file), crm.ImportOptions{})
			if crm.ErrorCode(err) != crm.CodeInvalid || crm.ErrorField(err) != "header" {
				t.Errorf("%s: err = %v", name, err)
			}
		}
	})

	t.Run("BadRows", func(t *testing.T) {
		s := openStore(t)
		seedCatalogue(t, s)
		rep := importContacts(t, s, `organisation,contact,phone,email,account_manager,client_since,annual_value,services,status,number_ranges,role
Good One,"Anna
Smit",06 1111 2222,,,,,,,,
,Nobody,06 1111 3333,,,,,,,,
Good One,Bad Number,12ab,,,,,,,,
Good One,Bad Date,,,,2019-13-01,,,,,
Good One,Bad Money,,,,,12.34.5x,,,,

Good One,Bad Manager,,,Hank Unknown,,,,,,
Good One,Bad Service,,,,,,hosting; telepathy,,,
Good One,Bad Status,,,,,,,gone,,
Good One,Bad Email,,anna.at.acme,,,,,,,
Good One,Bad Label,fax machine:020 555 1234,,,,,,,,
Good One,Withheld,anonymous,,,,,,,,
Good Two,,,,,,,,,020 794 61x,
Good Two,Piet Smit,06 1111 4444,,sanne visser,2001-02-03,"12.500,50",m365,former,,Boss
Good Two,,,,,,,,,,Receptionist
Good Two,Bare "quote,,,,,,,,,,
Good Two,Last One,"tel:+31 20 555 1234",,,,,,,,
`)
		wantErrors(t, rep, "3:organisation", "4:phone", "5:client_since", "6:annual_value", "8:account_manager",
			"9:services", "10:status", "11:email", "12:phone", "13:phone", "14:number_ranges", "16:contact", "17:")
		if rep.Rows != 16 || rep.Imported != 3 {
			t.Errorf("report = %+v", rep)
		}
		if got := rep.Errors[1].Error(); got != `line 4, column phone: "12ab": not a telephone number: contains letters` {
			t.Errorf("message = %s", got)
		}
		for _, want := range []string{`"2019-13-01"`, `"12.34.5x"`, `"Hank Unknown"`, `"telepathy"`, `"gone"`, `"anna.at.acme"`} {
			if !strings.Contains(errorList(rep), want) {
				t.Errorf("no error mentions %s:\n%s", want, errorList(rep))
			}
		}
		one := must(s.OrganisationByName(ctx, "Good One"))
		people := must(s.Contacts(ctx, one.ID))
		if len(people) != 1 || people[0].Name != "Anna Smit" {
			t.Errorf("Good One contacts = %+v", people)
		}
		two := must(s.OrganisationByName(ctx, "Good Two"))
		if two.Status != crm.StatusFormer || two.AnnualValue != 1250050 || two.AccountManager == nil {
			t.Errorf("Good Two = %+v", two)
		}
		if len(must(s.Contacts(ctx, two.ID))) != 2 {
			t.Errorf("Good Two contacts missing")
		}
	})

	t.Run("Reimport", func(t *testing.T) {
		s, path := openStoreFile(t)
		seedCatalogue(t, s)
		file := `organisation,contact,phone,services,number_ranges,client_since
Acme,Jan Smit,06 1234 5678; direct:020 794 6112,hosting,,2010-01-01
Acme,,020 794 6000,backup,020 794 61,
Acme,Jan Smit,06 1234 5678,,,
Beta,Els Bos,06 2222 3333,,,
`
		first := importContacts(t, s, file)
		before := exportContacts(t, s)
		counts := func() [5]int {
			return [5]int{
				queryInt(t, path, `SELECT count(*) FROM organisations`),
				queryInt(t, path, `SELECT count(*) FROM contacts`),
				queryInt(t, path, `SELECT count(*) FROM phone_numbers`),
				queryInt(t, path, `SELECT count(*) FROM number_ranges`),
				queryInt(t, path, `SELECT count(*) FROM subscriptions`),
			}
		}
		want := counts()
		if want != [5]int{2, 2, 5, 1, 2} || first.Created != 2 || first.Updated != 2 {
			t.Fatalf("first import: counts %v, report %+v", want, first)
		}
		second := importContacts(t, s, file)
		if got := counts(); got != want {
			t.Errorf("after re-import counts = %v, want %v", got, want)
		}
		if second.Created != 0 || second.Updated != 4 || second.Imported != 4 {
			t.Errorf("second report = %+v", second)
		}
		if after := exportContacts(t, s); after != before {
			t.Errorf("re-import changed the register:\n%s\nwas\n%s", after, before)
		}
	})

	t.Run("ReimportSubscriptions", func(t *testing.T) {
		// A re-import reads each organisation's subscriptions back and
		// writes only what the file changes: a cancelled one listed again
		// is active again, a new date replaces the stored one, no date
		// keeps it.
		s := openStore(t)
		seedCatalogue(t, s)
		importContacts(t, s, `organisation,contact,phone,services,client_since
Acme,Jan Smit,06 1234 5678,hosting; backup,2010-01-01
Beta,Els Bos,06 2222 3333,hosting,2012-05-05
Gamma,Piet Jansen,06 3333 4444,hosting,2013-03-03
`)
		acme := must(s.OrganisationByName(ctx, "Acme"))
		if err := s.SaveSubscription(ctx, crm.SubscriptionInput{OrganisationID: acme.ID, ServiceCode: "backup",
			Since: time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), Status: crm.SubscriptionCancelled}); err != nil {
			t.Fatal(err)
		}
		rep := importContacts(t, s, `organisation,contact,phone,services,client_since
Acme,Jan Smit,06 1234 5678,hosting; backup,2010-01-01
Beta,Els Bos,06 2222 3333,hosting; m365,
Gamma,Piet Jansen,06 3333 4444,hosting,2011-01-01
`)
		if rep.Failed != 0 || rep.Updated != 3 {
			t.Fatalf("re-import report = %+v", rep)
		}
		for org, want := range map[string]string{
			"Acme":  "backup active 2010-01-01, hosting active 2010-01-01",
			"Beta":  "hosting active 2012-05-05, m365 active 2012-05-05",
			"Gamma": "hosting active 2011-01-01",
		} {
			var got []string
			for _, sub := range must(s.Subscriptions(ctx, must(s.OrganisationByName(ctx, org)).ID)) {
				got = append(got, fmt.Sprintf("%s %s %s", sub.ServiceCode, sub.Status, sub.Since.Format(time.DateOnly)))
			}
			if strings.Join(got, ", ") != want {
				t.Errorf("%s after the re-import: %s; want %s", org, strings.Join(got, ", "), want)
			}
		}
	})

	t.Run("EmptyCellsKeep", func(t *testing.T) {
		s := openStore(t)
		seedCatalogue(t, s)
		importContacts(t, s, `organisation,contact,role,email,language,account_manager,client_since,annual_value,status
Acme,Jan Smit,Director,jan@acme.nl,nl,Sanne Visser,2010-01-01,5000,prospect
`)
		rep := importContacts(t, s, `organisation,contact,role,email,language,account_manager,client_since,annual_value,status
ACME,jan  smit,,,,,,,
`)
		if rep.Updated != 1 {
			t.Fatalf("report = %+v", rep)
		}
		o := must(s.OrganisationByName(ctx, "Acme"))
		if o.Name != "ACME" || o.Status != crm.StatusProspect || o.AnnualValue != 500000 || o.AccountManager == nil ||
			o.ClientSince.IsZero() {
			t.Errorf("organisation lost values: %+v", o)
		}
		c := must(s.Contacts(ctx, o.ID))[0]
		if c.Name != "jan smit" || c.JobTitle != "Director" || c.Email != "jan@acme.nl" || c.Language != "nl" {
			t.Errorf("contact lost values: %+v", c)
		}
	})

	t.Run("DutchExcel", func(t *testing.T) {
		s := openStore(t)
		seedCatalogue(t, s)
		file := "\ufefforganisation;contact;phone;annual_value;services\r\n" +
			"Bakkerij Jansen;Piet Jansen;06 1234 5678;12.500,50;hosting, backup\r\n" +
			"\"Smit; Zn.\";;\"+31 (0)30 230 4000\";1.000;\r\n"
		rep := importContacts(t, s, file)
		if rep.Imported != 2 || rep.Failed != 0 {
			t.Fatalf("report = %+v\n%s", rep, errorList(rep))
		}
		o := must(s.OrganisationByName(ctx, "Bakkerij Jansen"))
		if o.AnnualValue != 1250050 || len(must(s.Subscriptions(ctx, o.ID))) != 2 {
			t.Errorf("organisation = %+v", o)
		}
		smit := must(s.OrganisationByName(ctx, "Smit; Zn."))
		if smit.AnnualValue != 100000 || len(smit.Numbers) != 1 || smit.Numbers[0].E164 != "+31302304000" {
			t.Errorf("organisation = %+v", smit)
		}
	})

	t.Run("QuotedFields", func(t *testing.T) {
		s := openStore(t)
		rep := importContacts(t, s, "organisation,contact,role\n"+
			"\"Jansen, Smit & Co\",\"de Vries, Martijn\",\"Head of\nEverything, really\"\n"+
			"\"Jansen, Smit & Co\",\"Eva \"\"Evi\"\" Bos\",\n"+
			"Jansen,Bad,\"x\" y\n")
		wantErrors(t, rep, "4:")
		o := must(s.OrganisationByName(ctx, "jansen, smit & co"))
		people := must(s.Contacts(ctx, o.ID))
		if len(people) != 2 || people[0].Name != "de Vries, Martijn" || people[0].JobTitle != "Head of Everything, really" ||
			people[1].Name != `Eva "Evi" Bos` {
			t.Errorf("contacts = %+v", people)
		}
	})

	t.Run("OrganisationRow", func(t *testing.T) {
		s := openStore(t)
		rep := importContacts(t, s, "organisation,contact,phone,status\nNoordhaven Zorg,,020 555 1000; mobile:06 4999 0000,prospect\n")
		if rep.Created != 1 {
			t.Fatalf("report = %+v", rep)
		}
		o := must(s.OrganisationByName(ctx, "Noordhaven Zorg"))
		if len(o.Numbers) != 2 || o.Numbers[0].Label != crm.LabelSwitchboard || o.Numbers[1].Label != crm.LabelMobile ||
			o.Status != crm.StatusProspect {
			t.Errorf("organisation = %+v", o)
		}
		if len(must(s.Contacts(ctx, o.ID))) != 0 {
			t.Error("an organisation row made a contact")
		}
		if r := must(s.Recognise(ctx, "+31205551000")); r.Match != crm.MatchOrganisation || r.Organisation.ID != o.ID {
			t.Errorf("recognised as %s", r.Match)
		}
	})

	t.Run("RangeOfAnotherOrganisation", func(t *testing.T) {
		s := openStore(t)
		rep := importContacts(t, s, "organisation,contact,phone,number_ranges\nAcme,,,020 794 61\nBeta,Jan,06 1234 5678,020 794 61\n")
		wantErrors(t, rep, "3:number_ranges")
		if !strings.Contains(rep.Errors[0].Message, "Acme") {
			t.Errorf("message = %s", rep.Errors[0].Message)
		}
		// The row is rolled back whole: no Beta, no Jan.
		if _, err := s.OrganisationByName(ctx, "Beta"); crm.ErrorCode(err) != crm.CodeNotFound {
			t.Errorf("Beta was written: %v", err)
		}
	})

	t.Run("BadWriteInBatch", func(t *testing.T) {
		// A row that fails only when written (its range belongs to another
		// organisation) rolls its batch back; the batch is written again
		// without it, with the same result as if it had never been there.
		s, path := openStoreFile(t)
		rep, err := s.ImportContacts(ctx, strings.NewReader(crm.BadWriteInBatchFile), crm.ImportOptions{BatchRows: 4})
		if err != nil {
			t.Fatal(err)
		}
		wantErrors(t, rep, "5:number_ranges")
		if rep.Imported != 6 || rep.Created != 4 || rep.Updated != 2 {
			t.Errorf("report = %+v", rep)
		}
		for q, want := range map[string]int{
			`SELECT count(*) FROM organisations`:                                                                          3,
			`SELECT count(*) FROM contacts`:                                                                               3,
			`SELECT count(*) FROM contacts WHERE name = 'Piet Bos'`:                                                       0,
			`SELECT count(*) FROM phone_numbers`:                                                                          5,
			`SELECT annual_value_cents FROM organisations WHERE name = 'Beta'`:                                            50000,
			`SELECT annual_value_cents FROM organisations WHERE name = 'Acme'`:                                            70000,
			`SELECT count(*) FROM number_ranges r JOIN organisations o ON o.id = r.organisation_id WHERE o.name = 'Acme'`: 1,
		} {
			if got := queryInt(t, path, q); got != want {
				t.Errorf("%s = %d, want %d", q, got, want)
			}
		}
	})

	t.Run("Progress", func(t *testing.T) {
		s := openStore(t)
		var file bytes.Buffer
		must(0, crm.WriteSyntheticRegister(&file, 1200, 3))
		seedSynthetic(t, s, crm.NewSynthetic(0, 3))
		var calls []crm.ImportProgress
		rep, err := s.ImportContacts(ctx, bytes.NewReader(file.Bytes()), crm.ImportOptions{BatchRows: 500,
			Progress: func(p crm.ImportProgress) { calls = append(calls, p) }})
		if err != nil || rep.Failed > 0 {
			t.Fatalf("%v %v", err, rep.Errors)
		}
		if len(calls) < 3 {
			t.Fatalf("progress calls = %+v", calls)
		}
		last := calls[len(calls)-1]
		if last.Rows != rep.Rows || last.Imported != rep.Imported || last.Bytes != int64(file.Len()) {
			t.Errorf("last progress = %+v, report %+v, size %d", last, rep, file.Len())
		}
		for i := 1; i < len(calls); i++ {
			if calls[i].Imported < calls[i-1].Imported || calls[i].Bytes < calls[i-1].Bytes {
				t.Errorf("progress went back: %+v", calls)
			}
		}
	})
}

// seedSynthetic imports the services and employees of g.
func seedSynthetic(t testing.TB, s *crm.Store, g *crm.Synthetic) {
	t.Helper()
	ctx := context.Background()
	var b bytes.Buffer
	must(0, g.WriteServices(&b))
	if rep, err := s.ImportServices(ctx, &b, crm.ImportOptions{}); err != nil || rep.Failed > 0 {
		t.Fatalf("services: %v %v", err, rep.Errors)
	}
	b.Reset()
	must(0, g.WriteEmployees(&b))
	if rep, err := s.ImportEmployees(ctx, &b, crm.ImportOptions{}); err != nil || rep.Failed > 0 {
		t.Fatalf("employees: %v %v", err, rep.Errors)
	}
}

// syntheticFile opens a fresh register with g's services and employees,
// and returns g's contacts file, not yet imported.
func syntheticFile(t testing.TB, contacts int, seed int64) (*crm.Store, string, *crm.Synthetic, *bytes.Buffer) {
	t.Helper()
	s, path := openStoreFile(t)
	g := crm.NewSynthetic(contacts, seed)
	seedSynthetic(t, s, g)
	var file bytes.Buffer
	must(0, g.WriteContacts(&file))
	return s, path, g, &file
}

// cancelAfter cancels a context once n bytes have been read through it.
type cancelAfter struct {
	r      io.Reader
	n      int64
	read   atomic.Int64
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	if len(p) > 4096 {
		p = p[:4096] // small reads, so cancellation lands mid-file
	}
	n, err := c.r.Read(p)
	if c.read.Add(int64(n)) >= c.n {
		c.cancel()
	}
	return n, err
}

// TestImportCancelled stops an import part-way and checks that what was
// committed is whole rows only, then that running it again completes it.
func TestImportCancelled(t *testing.T) {
	s, path, g, file := syntheticFile(t, 2000, 7)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// With batches of 500 rows the importer reads at most about 1,200 of
	// these 2,400 rows ahead of what it writes, so cancelling at 75% lands
	// after a batch and (most likely) in the middle of another.
	in := &cancelAfter{r: bytes.NewReader(file.Bytes()), n: int64(file.Len()) * 3 / 4, cancel: cancel}
	rep, err := s.ImportContacts(ctx, in, crm.ImportOptions{BatchRows: 500})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	t.Logf("cancelled with %d rows read by the writer, %d committed", rep.Rows, rep.Imported)
	if rep.Imported == 0 || rep.Imported%500 != 0 || rep.Imported > rep.Rows {
		t.Errorf("report = %+v: want whole batches committed", rep)
	}
	contacts := queryInt(t, path, `SELECT count(*) FROM contacts`)
	if contacts == 0 || contacts >= g.Contacts {
		t.Errorf("%d contacts after a cancelled import of %d", contacts, g.Contacts)
	}
	// Every synthetic contact has a number, so a contact without one
	// would be a row cut in half.
	if n := queryInt(t, path, `SELECT count(*) FROM contacts c
		WHERE NOT EXISTS (SELECT 1 FROM phone_numbers p WHERE p.contact_id = c.id)`); n != 0 {
		t.Errorf("%d contacts without numbers", n)
	}
	// The committed rows are exactly the first Imported rows of the file.
	if want := contactRowsIn(t, file.String(), rep.Imported); contacts != want {
		t.Errorf("%d contacts committed, the first %d rows hold %d", contacts, rep.Imported, want)
	}

	rep, err = s.ImportContacts(context.Background(), bytes.NewReader(file.Bytes()), crm.ImportOptions{})
	if err != nil || rep.Failed != 0 {
		t.Fatalf("second run: %v %v", err, rep.Errors)
	}
	if n := queryInt(t, path, `SELECT count(*) FROM contacts`); n != g.Contacts {
		t.Errorf("after the second run %d contacts, want %d", n, g.Contacts)
	}
	if n := queryInt(t, path, `SELECT count(*) FROM organisations`); n != g.Organisations() {
		t.Errorf("after the second run %d organisations, want %d", n, g.Organisations())
	}
}

// contactRowsIn counts the rows naming a contact among the first n data rows.
func contactRowsIn(t testing.TB, file string, n int) int {
	t.Helper()
	lines := strings.Split(file, "\n")[1:]
	count := 0
	for _, l := range lines[:n] {
		// Synthetic names and organisations hold no commas or quotes.
		if f := strings.Split(l, ","); len(f) > 1 && f[1] != "" {
			count++
		}
	}
	return count
}

func TestImportEmployees(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	seedCatalogue(t, s)
	rep, err := s.ImportEmployees(ctx, strings.NewReader(`Name;E-mail;Role;Extension;Phone
Sanne Visser;;;212;
Sanne V. Visser;sanne@noordhaven.nl;;;
Kees Nieuw;kees@noordhaven.nl;;;
Kees Nieuw;kees@noordhaven.nl;chef;;
Kees Nieuw;kees@noordhaven.nl;engineer;20x;
Kees Nieuw;kees@noordhaven.nl;engineer;230;06 1234
Bram Balie;other@noordhaven.nl;;;
Kees Nieuw;kees@noordhaven.nl;Service-Manager;230;06 4777 8888
`), crm.ImportOptions{})
	if err == nil {
		t.Fatal("an unknown column was accepted")
	}
	if !strings.Contains(err.Error(), `"e_mail"`) {
		t.Errorf("err = %v", err)
	}
	rep, err = s.ImportEmployees(ctx, strings.NewReader(`name;email;role;extension;phone
Sanne Visser;;;212;
Sanne V. Visser;sanne@noordhaven.nl;;;
Kees Nieuw;kees@noordhaven.nl;;;
Kees Nieuw;kees@noordhaven.nl;chef;;
Kees Nieuw;kees@noordhaven.nl;engineer;20x;
Kees Nieuw;kees@noordhaven.nl;engineer;230;06 1234
Bram Balie;other@noordhaven.nl;;;
Kees Nieuw;kees@noordhaven.nl;Service-Manager;230;06 4777 8888
`), crm.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantErrors(t, rep, "4:role", "5:role", "6:extension", "7:phone", "8:name")
	if rep.Created != 1 || rep.Updated != 2 {
		t.Errorf("report = %+v", rep)
	}
	sanne := must(s.FindEmployee(ctx, "sanne@noordhaven.nl"))
	if sanne.Name != "Sanne V. Visser" || sanne.Extension != "212" || sanne.Role != crm.RoleAccountManager {
		t.Errorf("sanne = %+v", sanne)
	}
	kees := must(s.FindEmployee(ctx, "Kees Nieuw"))
	kees = must(s.Employee(ctx, kees.ID))
	if kees.Role != crm.RoleServiceManager || kees.Extension != "230" || len(kees.Numbers) != 1 ||
		kees.Numbers[0].Label != crm.LabelMobile {
		t.Errorf("kees = %+v", kees)
	}
	if r := must(s.Recognise(ctx, "06 4777 8888")); r.Match != crm.MatchEmployee {
		t.Errorf("recognised as %s", r.Match)
	}
}

func TestImportServices(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	rep, err := s.ImportServices(ctx, strings.NewReader(`code,name,pitch,keywords,complements
backup,Online backup,Safe off-site.,backup; restore ransomware,"hosting:0.8; voip:0,5"
hosting,Managed hosting,,server,
voip,Hosted telephony,,,backup
training,,,,
Bad Code!,Oops,,,
sec,Security,,,hosting:1.5
crm,CRM,,,nothing:0.5
erp,ERP,,,crm
`), crm.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantErrors(t, rep, "5:name", "6:code", "7:complements", "8:complements", "9:complements")
	if rep.Created != 3 {
		t.Errorf("report = %+v", rep)
	}
	svcs := must(s.Services(ctx))
	if len(svcs) != 3 || svcs[0].Code != "backup" || len(svcs[0].Complements) != 2 ||
		svcs[0].Complements[1].Of != "voip" || svcs[0].Complements[1].Weight != 0.5 ||
		strings.Join(svcs[0].Keywords, " ") != "backup restore ransomware" || svcs[2].Complements[0].Weight != 1 {
		t.Errorf("services = %+v", svcs)
	}
	// Re-import: empty cells keep; a complements cell replaces the list.
	rep, err = s.ImportServices(ctx, strings.NewReader("code,name,pitch,complements\nbackup,,New pitch.,hosting:0.3\n"), crm.ImportOptions{})
	if err != nil || rep.Updated != 1 {
		t.Fatalf("%v %+v", err, rep)
	}
	b := must(s.Services(ctx))[0]
	if b.Name != "Online backup" || b.Pitch != "New pitch." || len(b.Complements) != 1 || b.Complements[0].Weight != 0.3 {
		t.Errorf("backup = %+v", b)
	}

	// A row without a name for a service only a rejected row above would
	// have created is reported, and the rest of the file still lands.
	rep, err = s.ImportServices(ctx, strings.NewReader("code,name,complements\nmail,Mail,nothing\nmail,,\nweb,Web,\n"), crm.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantErrors(t, rep, "2:complements", "3:name")
	if rep.Created != 1 || len(must(s.Services(ctx))) != 4 {
		t.Errorf("report = %+v, services = %+v", rep, must(s.Services(ctx)))
	}
}

// FuzzImportContacts feeds arbitrary files to the importer: it must never
// panic, and every data row is either imported or reported.
func FuzzImportContacts(f *testing.F) {
	f.Add([]byte("organisation,contact,phone\nAcme,Jan,06 1234 5678\n"))
	f.Add([]byte("\ufefforganisation;contact;phone;services\nA;\"B\nC\";+31 20 555 1234;x\n\n;;\n"))
	f.Add([]byte("organisation,number_ranges,annual_value,client_since\nA,020 5,\"1,5\",2020-02-30\nA,\"x\"y,,\n"))
	s := openStore(f)
	seedCatalogue(f, s)
	f.Fuzz(func(t *testing.T, file []byte) {
		rep, err := s.ImportContacts(context.Background(), bytes.NewReader(file), crm.ImportOptions{BatchRows: 3})
		if err != nil {
			if code := crm.ErrorCode(err); code != crm.CodeInvalid {
				t.Fatalf("err = %v (%s)", err, code)
			}
			return
		}
		if rep.Imported+rep.Failed != rep.Rows {
			t.Fatalf("rows %d = imported %d + failed %d?", rep.Rows, rep.Imported, rep.Failed)
		}
		for _, e := range rep.Errors {
			if e.Line < 2 || e.Message == "" {
				t.Fatalf("bad row error %+v", e)
			}
		}
	})
}

// TestSyntheticRegister checks the benchmark register: deterministic, every
// row valid, about four contacts per organisation, and sample numbers that
// are recognised as promised.
func TestSyntheticRegister(t *testing.T) {
	ctx := context.Background()
	var a, b, c bytes.Buffer
	must(0, crm.WriteSyntheticRegister(&a, 2500, 1))
	must(0, crm.WriteSyntheticRegister(&b, 2500, 1))
	must(0, crm.WriteSyntheticRegister(&c, 2500, 2))
	if !bytes.Equal(a.Bytes(), b.Bytes()) || bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("the register is not a function of its seed")
	}

	s, path := openStoreFile(t)
	g := crm.NewSynthetic(2500, 1)
	rep, err := crm.SeedSynthetic(ctx, s, g, crm.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if orgs := g.Organisations(); orgs < 550 || orgs > 750 {
		t.Errorf("%d organisations for 2500 contacts", orgs)
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM contacts`:      2500,
		`SELECT count(*) FROM organisations`: g.Organisations(),
		// Every number has one holder, and the mix has all kinds.
		`SELECT count(*) FROM (SELECT e164 FROM phone_numbers GROUP BY e164 HAVING count(*) > 1)`: 0,
	} {
		if got := queryInt(t, path, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	for q, atLeast := range map[string]int{
		`SELECT count(*) FROM phone_numbers WHERE label = 'mobile' AND contact_id IS NOT NULL`: 1800,
		`SELECT count(*) FROM phone_numbers WHERE label = 'direct'`:                            1400,
		`SELECT count(*) FROM phone_numbers WHERE label = 'switchboard'`:                       400,
		`SELECT count(*) FROM number_ranges`:                                                   90,
		`SELECT count(*) FROM subscriptions`:                                                   600,
		`SELECT count(DISTINCT substr(e164, 1, 5)) FROM phone_numbers WHERE label <> 'mobile'`: 30,
	} {
		if got := queryInt(t, path, q); got < atLeast {
			t.Errorf("%s = %d, want at least %d", q, got, atLeast)
		}
	}
	if rep.Rows <= 2500 {
		t.Errorf("no organisation rows: %+v", rep)
	}
	for _, m := range []crm.Match{crm.MatchContact, crm.MatchOrganisation, crm.MatchNumberRange, crm.MatchEmployee,
		crm.MatchUnknown, crm.MatchWithheld} {
		samples := g.Samples(m, 200)
		if len(samples) < 100 && !(m == crm.MatchEmployee && len(samples) == 12) {
			t.Errorf("%s: only %d samples", m, len(samples))
		}
		for _, raw := range samples {
			if r, err := s.Recognise(ctx, raw); err != nil || r.Match != m {
				t.Errorf("%s sample %q recognised as %s, %v", m, raw, r.Match, err)
			}
		}
	}
}

// signalAfter closes started once n bytes have been read through it.
type signalAfter struct {
	r       io.Reader
	n, read int64
	started chan struct{}
}

func (s *signalAfter) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if s.read < s.n && s.read+int64(n) >= s.n {
		close(s.started)
	}
	s.read += int64(n)
	return n, err
}

// TestImportYieldsToWriters checks that a write elsewhere in callcard does
// not wait for a long import batch: the import commits early when someone
// else needs the writer.
func TestImportYieldsToWriters(t *testing.T) {
	s := openStore(t)
	g := crm.NewSynthetic(6000, 5)
	seedSynthetic(t, s, g)
	var file bytes.Buffer
	must(0, g.WriteContacts(&file))
	// With batches of 3,000 rows the importer reads at most about 3,200 of
	// these 7,200 rows ahead of what it writes: at 60% of the file, it is
	// in the middle of a batch.
	const batch = 3000
	in := &signalAfter{r: bytes.NewReader(file.Bytes()), n: int64(file.Len()) * 6 / 10, started: make(chan struct{})}
	var commits []int
	result := make(chan error, 1)
	go func() {
		rep, err := s.ImportContacts(context.Background(), in, crm.ImportOptions{BatchRows: batch,
			Progress: func(p crm.ImportProgress) { commits = append(commits, p.Imported) }})
		if err == nil && rep.Failed > 0 {
			err = &rep.Errors[0]
		}
		result <- err
	}()
	<-in.started
	start := time.Now()
	if _, err := s.SaveEmployee(context.Background(), crm.EmployeeInput{Name: "Nina Nieuw", Role: crm.RoleReceptionist}); err != nil {
		t.Fatal(err)
	}
	waited := time.Since(start)
	if err := <-result; err != nil {
		t.Fatal(err)
	}
	t.Logf("a write during the import waited %v; commits after %v rows", waited, commits)
	early := false
	for i := 0; i+1 < len(commits); i++ {
		prev := 0
		if i > 0 {
			prev = commits[i-1]
		}
		early = early || commits[i]-prev < batch
	}
	if !early {
		t.Errorf("the import did not commit early for the waiting write: commits after %v rows", commits)
	}
}

// FuzzImportServices: arbitrary catalogue files never panic, and every row
// is imported or reported.
func FuzzImportServices(f *testing.F) {
	f.Add([]byte(testServices))
	f.Add([]byte("code,name,complements\na,A,b:0.5\nb,,c\nc,C,a;b:1\nd,D,zz\ne,E,d\n"))
	f.Add([]byte("code,name,complements\na,A,zz\na,,\n"))
	s := openStore(f)
	f.Fuzz(func(t *testing.T, file []byte) {
		rep, err := s.ImportServices(context.Background(), bytes.NewReader(file), crm.ImportOptions{})
		if err != nil {
			if code := crm.ErrorCode(err); code != crm.CodeInvalid {
				t.Fatalf("err = %v (%s)", err, code)
			}
			return
		}
		if rep.Imported+rep.Failed != rep.Rows {
			t.Fatalf("rows %d = imported %d + failed %d?", rep.Rows, rep.Imported, rep.Failed)
		}
	})
}

// FuzzImportEmployees: arbitrary staff files never panic, and every row is
// imported or reported.
func FuzzImportEmployees(f *testing.F) {
	f.Add([]byte(testEmployees))
	f.Add([]byte("name;email;role\nA;a@x;admin\nA;b@x;\nB;a@x;engineer\n"))
	s := openStore(f)
	f.Fuzz(func(t *testing.T, file []byte) {
		rep, err := s.ImportEmployees(context.Background(), bytes.NewReader(file), crm.ImportOptions{})
		if err != nil {
			if code := crm.ErrorCode(err); code != crm.CodeInvalid {
				t.Fatalf("err = %v (%s)", err, code)
			}
			return
		}
		if rep.Imported+rep.Failed != rep.Rows {
			t.Fatalf("rows %d = imported %d + failed %d?", rep.Rows, rep.Imported, rep.Failed)
		}
	})
}
