package crm

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/callcard/callcard/phone"
)

// BenchmarkRecordCallEventSync measures what committing a webhook costs with
// synchronous=NORMAL (WAL: survives a process crash, may lose the last
// commits on power loss) against FULL (every commit's WAL frames are flushed
// to disk before it returns; see walFlusher):
//
//	go test ./crm -run '^$' -bench RecordCallEventSync -benchtime 2000x
func BenchmarkRecordCallEventSync(b *testing.B) {
	for _, mode := range []string{"NORMAL", "FULL"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			n, err := phone.New(phone.Config{DefaultRegion: "NL"})
			if err != nil {
				b.Fatal(err)
			}
			s, err := Open(ctx, Config{Path: filepath.Join(b.TempDir(), "callcard.db"), Phone: n, Synchronous: mode})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if flushes := s.flusher.sync != nil; flushes != (mode == "FULL") {
				b.Fatalf("synchronous %s: the store flushes commits itself: %v", mode, flushes)
			}
			b.ResetTimer()
			for i := range b.N {
				if _, err := s.RecordCallEvent(ctx, CallEventInput{ExternalID: fmt.Sprintf("c%d", i), Event: EventRinging,
					From: "06 12345678"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
