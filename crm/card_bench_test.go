package crm_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/callcard/callcard/crm"
)

// BenchmarkCard measures assembling the caller card of a ringing call on
// the demo register, over calls from every kind of caller in it, under a
// context that can be cancelled, as a request's can:
//
//	go test -run '^$' -bench Card -benchmem ./crm
func BenchmarkCard(b *testing.B) {
	ctx := context.Background()
	s := openStore(b)
	if _, err := s.LoadDemo(ctx, crm.DemoOptions{}); err != nil {
		b.Fatal(err)
	}
	var calls []crm.Call
	for i, o := range allOrganisations(b, s) {
		org := must(s.Organisation(ctx, o.ID))
		from := "+3197010000000"
		if len(org.Numbers) > 0 {
			from = org.Numbers[0].E164
		}
		res, err := s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: fmt.Sprintf("card-%d", i), Event: crm.EventRinging,
			From: from, ForwardedFrom: "06 2345 6789"})
		if err != nil {
			b.Fatal(err)
		}
		calls = append(calls, res.Call)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.CardForCall(b.Context(), calls[i%len(calls)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
