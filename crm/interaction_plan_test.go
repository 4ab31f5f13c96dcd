package crm

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callcard/callcard/phone"
)

// TestHistoryQueryPlan checks that reading an organisation's history walks
// its stored entries and its calls newest first through their indexes, and
// finds a call's stored entry by index: on a register with years of calls
// a card must not read them all.
func TestHistoryQueryPlan(t *testing.T) {
	ctx := context.Background()
	n, err := phone.New(phone.Config{DefaultRegion: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, Config{Path: filepath.Join(t.TempDir(), "callcard.db"), Phone: n})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var plan []string
	for _, q := range []string{storedHistoryQuery, callHistoryQuery} {
		rows, err := s.read.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	text := strings.Join(plan, "\n")
	for _, want := range []string{
		"SEARCH i USING INDEX interactions_organisation (organisation_id=?)",
		"SEARCH c USING INDEX calls_organisation (organisation_id=?)",
		"SEARCH x USING INDEX interactions_call (call_id=?)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the plan lacks %q:\n%s", want, text)
		}
	}
	for _, line := range plan {
		if strings.HasPrefix(strings.TrimSpace(line), "SCAN") {
			t.Errorf("the plan reads a whole table: %q\n%s", line, text)
		}
	}
	// The calls come newest first from their index: nothing to sort.
	if strings.Count(text, "TEMP B-TREE") > 1 {
		t.Errorf("the plan sorts more than the stored entries' ties:\n%s", text)
	}
}
