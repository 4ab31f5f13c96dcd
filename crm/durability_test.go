package crm

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/callcard/callcard/phone"
)

// BenchmarkRecordCallEventSync measures what committing a webhook costs with
// SQLite's synchronous=NORMAL (WAL: survives a process crash, may lose the
// last commits on power loss) against FULL (every commit fsyncs the WAL):
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
			var got int
			if err := s.write.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&got); err != nil {
				b.Fatal(err)
			}
			if want := map[string]int{"NORMAL": 1, "FULL": 2}[mode]; got != want {
				b.Fatalf("synchronous = %d, want %d", got, want)
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
