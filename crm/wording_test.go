package crm_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// TestWording: the history entries the register writes itself (a call, a
// check-in, a hint's outcome) come in the language it is set to, with
// what people typed kept as typed.
func TestWording(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		lang                      crm.Language
		call, care, hint, hintNew string
	}{
		{crm.English, "Incoming call from 06 12345678 for Sanne Visser", "Check-in: to call now: wil een offerte",
			"Mentioned Off-site Backup & Restore; interested: belt terug", "Hint shown: 24/7 Monitoring."},
		{crm.Dutch, "Inkomend gesprek van 06 12345678 voor Sanne Visser", "Check-in: nu bellen: wil een offerte",
			"Off-site Backup & Restore genoemd; interesse: belt terug", "Tip getoond: 24/7 Monitoring."},
	} {
		t.Run(string(tt.lang), func(t *testing.T) {
			s := openStoreWith(t, phone.Config{DefaultRegion: "NL"}, func(c *crm.Config) { c.Language = tt.lang })
			sum := must(s.LoadDemo(ctx, crm.DemoOptions{}))
			story := sum.Story
			res := must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "w-1", Event: crm.EventRinging,
				From: story.ContactNumber, ForwardedFrom: story.AccountManagerRaw}))
			care := must(s.RecordCare(ctx, story.OrganisationID, story.AccountManagerID, string(crm.CareCallNow), "wil een offerte"))
			hint := must(s.RecordHintOutcome(ctx, crm.HintOutcomeInput{OrganisationID: story.OrganisationID, ServiceCode: "backup",
				Outcome: crm.HintInterested, AuthorID: story.AccountManagerID, Note: "belt terug"}))
			shown := must(s.RecordHintOutcome(ctx, crm.HintOutcomeInput{OrganisationID: story.OrganisationID, ServiceCode: "monitoring",
				Outcome: crm.HintShown, AuthorID: story.AccountManagerID}))
			history := must(s.Interactions(ctx, story.OrganisationID, 50))
			var call string
			for _, it := range history {
				if it.Kind == crm.KindCall && it.CallID == strconv.FormatInt(res.Call.ID, 10) {
					call = it.Summary
				}
			}
			for _, c := range []struct{ what, got, want string }{
				{"call", call, tt.call}, {"check-in", care.Summary, tt.care}, {"hint", hint.Summary, tt.hint}, {"hint shown", shown.Summary, tt.hintNew},
			} {
				if c.got != c.want {
					t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
				}
			}
		})
	}
	if _, err := crm.ParseLanguage("language", "de"); crm.ErrorCode(err) != crm.CodeInvalid {
		t.Errorf("German: %v, want an invalid-input error", err)
	}
}
