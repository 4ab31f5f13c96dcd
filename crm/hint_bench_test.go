package crm_test

import (
	"context"
	"testing"

	"github.com/callcard/callcard/crm"
)

// BenchmarkHints measures one Hints call, as every card makes, on the demo
// register (300 organisations, a year of history, 8 services):
//
//	go test -run '^$' -bench Hints -benchtime 20000x ./crm
func BenchmarkHints(b *testing.B) {
	ctx := context.Background()
	s := openStore(b)
	sum, err := s.LoadDemo(ctx, crm.DemoOptions{})
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for _, o := range allOrganisations(b, s) {
		if o.Status != crm.StatusFormer {
			ids = append(ids, o.ID)
		}
	}
	b.Run("Story", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Hints(ctx, sum.Story.OrganisationID, 3); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("EveryClient", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.Hints(ctx, ids[i%len(ids)], 3); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if _, err := s.Hints(ctx, ids[i%len(ids)], 3); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}
