package crm

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestImportOrgCacheGenerations(t *testing.T) {
	c := newImportOrgCache(2)
	org := map[string]*orgState{}
	for i, k := range []string{"a", "b", "c", "d", "e"} {
		org[k] = &orgState{id: int64(i + 1)}
	}
	want := func(k string, o *orgState) {
		t.Helper()
		if got := c.get(k); got != o {
			t.Errorf("get(%q) = %v, want %v", k, got, o)
		}
	}
	c.put("a", org["a"])
	c.put("b", org["b"])
	c.put("c", org["c"]) // young full: {a, b} becomes the old generation
	want("a", org["a"])  // found in the old one, moves back: young {c, a}
	c.put("d", org["d"]) // old {c, a}, young {d}: b is forgotten
	want("b", nil)
	want("c", org["c"])  // young {d, c}
	c.put("e", org["e"]) // old {d, c}, young {e}: a is forgotten
	want("a", nil)
	c.forget("d") // from the old generation
	c.forget("e") // from the young one
	want("d", nil)
	want("e", nil)
	want("c", org["c"])
}

// TestImportForgetsOrganisations imports the same files with a cache of
// one organisation per generation and with the default one, and expects
// the same register and the same report: an organisation forgotten and
// met again is read back, keeping what its earlier rows wrote.
func TestImportForgetsOrganisations(t *testing.T) {
	ctx := context.Background()
	g := NewSynthetic(600, 7)
	var services, employees, synthetic bytes.Buffer
	for w, write := range map[*bytes.Buffer]func(io.Writer) error{
		&services: g.WriteServices, &employees: g.WriteEmployees, &synthetic: g.WriteContacts} {
		if err := write(w); err != nil {
			t.Fatal(err)
		}
	}
	// The same rows with the organisations' rows scattered through the file.
	lines := strings.SplitAfter(strings.TrimSuffix(synthetic.String(), "\n"), "\n")
	body := lines[1:]
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(body), func(i, j int) { body[i], body[j] = body[j], body[i] })
	shuffled := lines[0] + strings.Join(body, "")
	if !strings.HasSuffix(shuffled, "\n") {
		shuffled += "\n"
	}

	for _, tc := range []struct {
		name  string
		files []string // imported in turn into one register
		batch int
	}{{
		name: "ComesBack",
		files: []string{`organisation,contact,phone,services,status,annual_value,client_since,account_manager
Acme,Jan Smit,06 1234 5678,hosting,former,5000,2010-01-01,Dirk Accountbeheer
Beta,Els Bos,06 2222 3333,,,,,
Gamma,Piet Jansen,06 3333 4444,backup,prospect,,,
Acme,Kees Klant,06 4444 5555,hosting,,,,
Beta,Els Bos,,,active,,,
Acme,Jan Smit,06 1234 5678,backup,,7000,,
`},
	}, {
		name: "Reimport",
		files: []string{`organisation,contact,phone,status,annual_value
Acme,Jan Smit,06 1234 5678,former,5000
Beta,Els Bos,06 2222 3333,prospect,
`, `organisation,contact,phone,status,annual_value
Beta,Els Bos,06 2222 3333,,100
Acme,Jan Smit,020 794 6112,,
Gamma,,020 555 1000,,
Acme,Kees Klant,,,
`},
	}, {
		name:  "BadWriteInBatch",
		files: []string{BadWriteInBatchFile},
		batch: 4,
	}, {
		name:  "Synthetic",
		files: []string{synthetic.String()},
	}, {
		name:  "SyntheticScattered",
		files: []string{shuffled},
		batch: 97,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			run := func(orgs int) (reports []string, export string) {
				s := openInternalStore(t)
				s.importOrgs = orgs
				if rep, err := s.ImportServices(ctx, bytes.NewReader(services.Bytes()), ImportOptions{}); err != nil || rep.Failed > 0 {
					t.Fatalf("seeding services: %v %v", err, rep.Errors)
				}
				if rep, err := s.ImportEmployees(ctx, bytes.NewReader(employees.Bytes()), ImportOptions{}); err != nil || rep.Failed > 0 {
					t.Fatalf("seeding employees: %v %v", err, rep.Errors)
				}
				for _, f := range tc.files {
					rep, err := s.ImportContacts(ctx, strings.NewReader(f), ImportOptions{BatchRows: tc.batch})
					if err != nil {
						t.Fatal(err)
					}
					reports = append(reports, fmt.Sprintf("%+v", rep))
				}
				var b bytes.Buffer
				if err := s.ExportContacts(ctx, &b); err != nil {
					t.Fatal(err)
				}
				return reports, b.String()
			}
			wantReports, wantExport := run(importOrgCacheSize)
			gotReports, gotExport := run(1)
			if !reflect.DeepEqual(gotReports, wantReports) {
				t.Errorf("reports with organisations forgotten:\n%s\nwith all remembered:\n%s",
					strings.Join(gotReports, "\n"), strings.Join(wantReports, "\n"))
			}
			if gotExport != wantExport {
				t.Errorf("register with organisations forgotten:\n%s\nwith all remembered:\n%s", gotExport, wantExport)
			}
		})
	}
}

// BadWriteInBatchFile is a contacts file whose fourth row fails only when
// written (its range belongs to another organisation), for imports in
// batches of 4; TestImportContacts/BadWriteInBatch reads it too.
const BadWriteInBatchFile = `organisation,contact,phone,number_ranges,annual_value
Acme,,020 794 6000,020 794 61,100
Beta,Els Bos,06 2222 3333,,200
Acme,Jan Smit,06 1234 5678,,300
Beta,Piet Bos,06 2222 4444,020 794 61,400
Beta,Els Bos,06 2222 5555,,500
Gamma,Kees,06 3333 4444,,600
Acme,Jan Smit,,,700
`
