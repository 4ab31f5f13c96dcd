package crm_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/callcard/callcard/crm"
)

// exportAll exports the three files of a register.
func exportAll(t testing.TB, s *crm.Store) (services, employees, contacts string) {
	t.Helper()
	ctx := context.Background()
	var sb, eb, cb bytes.Buffer
	if err := s.ExportServices(ctx, &sb); err != nil {
		t.Fatal(err)
	}
	if err := s.ExportEmployees(ctx, &eb); err != nil {
		t.Fatal(err)
	}
	if err := s.ExportContacts(ctx, &cb); err != nil {
		t.Fatal(err)
	}
	return sb.String(), eb.String(), cb.String()
}

// importAll imports the three files into s, failing on any bad row.
func importAll(t testing.TB, s *crm.Store, services, employees, contacts string) {
	t.Helper()
	ctx := context.Background()
	for name, step := range map[string]func() (crm.ImportReport, error){
		"services": func() (crm.ImportReport, error) {
			return s.ImportServices(ctx, strings.NewReader(services), crm.ImportOptions{})
		},
		"employees": func() (crm.ImportReport, error) {
			return s.ImportEmployees(ctx, strings.NewReader(employees), crm.ImportOptions{})
		},
	} {
		if rep, err := step(); err != nil || rep.Failed > 0 {
			t.Fatalf("%s: %v\n%s", name, err, errorList(rep))
		}
	}
	if rep := importContacts(t, s, contacts); rep.Failed > 0 {
		t.Fatalf("contacts:\n%s", errorList(rep))
	}
}

func TestExportRoundTrip(t *testing.T) {
	t.Run("Handwritten", func(t *testing.T) {
		s := openStore(t)
		seedCatalogue(t, s)
		importContacts(t, s, `organisation,contact,role,phone,email,account_manager,client_since,annual_value,services,status,language,number_ranges
Acme Logistiek BV,Martijn de Vries,ICT-manager,"06 1234 5678; direct:020 794 6112",martijn@acme.nl,Sanne Visser,2019-09-01,8400,"hosting; backup",,EN,
Acme Logistiek BV,,,020 794 6000,,,,,,,,020 794 61
Acme Logistiek BV,Eva Jansen,,home:010 123 4567,,,,,,,,
"Smit, Zn.",,,,,,,,,prospect,,
Bakkerij Jansen,Piet Jansen,"Eigenaar, bakker",+31 6 2345 6789,,bram@noordhaven.nl,,"1.234,56",m365,former,nl,
`)
		services, employees, contacts := exportAll(t, s)
		wantContacts := `organisation,contact,role,phone,email,account_manager,client_since,annual_value,services,status,language,number_ranges
Acme Logistiek BV,,,switchboard:020 794 6000,,Sanne Visser,2019-09-01,8400,backup; hosting,active,,020 794 61
Acme Logistiek BV,Eva Jansen,,home:010 123 4567,,Sanne Visser,2019-09-01,8400,backup; hosting,active,,
Acme Logistiek BV,Martijn de Vries,ICT-manager,mobile:06 1234 5678; direct:020 794 6112,martijn@acme.nl,Sanne Visser,2019-09-01,8400,backup; hosting,active,en,
Bakkerij Jansen,Piet Jansen,"Eigenaar, bakker",mobile:+31 6 2345 6789,,Bram Balie,,1234.56,m365,former,nl,
"Smit, Zn.",,,,,,,,,prospect,,
`
		if contacts != wantContacts {
			t.Errorf("contacts export:\n%s\nwant\n%s", contacts, wantContacts)
		}
		wantEmployees := `name,email,role,extension,phone
Bram Balie,bram@noordhaven.nl,receptionist,201,
Sanne Visser,sanne@noordhaven.nl,account_manager,211,mobile:06 5550 1234
`
		if employees != wantEmployees {
			t.Errorf("employees export:\n%s\nwant\n%s", employees, wantEmployees)
		}
		wantServices := `code,name,pitch,keywords,complements
backup,Online backup,Every file safe off-site.,backup restore,hosting:0.8; m365:0.5
hosting,Managed hosting,We run your servers.,server website,
m365,Microsoft 365,Mail and Teams looked after.,mail teams,
`
		if services != wantServices {
			t.Errorf("services export:\n%s\nwant\n%s", services, wantServices)
		}

		fresh := openStore(t)
		importAll(t, fresh, services, employees, contacts)
		s2, e2, c2 := exportAll(t, fresh)
		if s2 != services || e2 != employees || c2 != contacts {
			t.Errorf("second export differs:\n%s%s%s", s2, e2, c2)
		}
	})

	t.Run("Synthetic", func(t *testing.T) {
		ctx := context.Background()
		s := openStore(t)
		g := crm.NewSynthetic(600, 11)
		if _, err := crm.SeedSynthetic(ctx, s, g, crm.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		services, employees, contacts := exportAll(t, s)

		fresh := openStore(t)
		importAll(t, fresh, services, employees, contacts)
		s2, e2, c2 := exportAll(t, fresh)
		if s2 != services || e2 != employees || c2 != contacts {
			t.Fatalf("exports differ after a round trip")
		}

		// The export says what the synthetic file said, up to labels the
		// import filled in and the order of rows and services.
		var in bytes.Buffer
		must(0, g.WriteContacts(&in))
		want := contactsByKey(t, in.String(), true)
		got := contactsByKey(t, contacts, false)
		if len(got) != len(want) {
			t.Errorf("export has %d rows, the file %d", len(got), len(want))
		}
		for k, w := range want {
			if g := got[k]; !slices.Equal(g, w) {
				t.Errorf("row %q:\n got %q\nwant %q", k, g, w)
			}
		}
	})
}

// contactsByKey reads a contacts file into rows keyed by organisation and
// contact, with services sorted and, for the synthetic input, unlabelled
// numbers given the label the import infers (all are mobiles).
func contactsByKey(t testing.TB, file string, synthetic bool) map[string][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(file)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, rec := range recs[1:] {
		services := strings.Split(rec[8], "; ")
		slices.Sort(services)
		rec[8] = strings.Join(services, "; ")
		if synthetic {
			var phones []string
			for p := range strings.SplitSeq(rec[3], "; ") {
				if p != "" && !strings.Contains(p, ":") {
					p = "mobile:" + p
				}
				phones = append(phones, p)
			}
			rec[3] = strings.Join(phones, "; ")
		}
		k := strings.ToLower(rec[0] + "|" + rec[1])
		if _, dup := out[k]; dup {
			t.Fatalf("row %q twice", k)
		}
		out[k] = rec
	}
	return out
}
