package crm

import (
	"bytes"
	"context"
	"testing"
)

// TestNumberIndexBuildKeepsTheWriter checks that building the number index
// at the end of a first import, which sorts through a temporary file, puts
// the writer's temporary storage back in memory for its savepoints.
func TestNumberIndexBuildKeepsTheWriter(t *testing.T) {
	s := openInternalStore(t)
	ctx := context.Background()
	var file bytes.Buffer
	if err := WriteSyntheticRegister(&file, 300, 5); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.ImportContacts(ctx, &file, ImportOptions{}); err != nil || rep.Imported == 0 {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	var index, store int
	if err := s.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema
		WHERE type = 'index' AND name = 'phone_numbers_e164'`).Scan(&index); err != nil {
		t.Fatal(err)
	}
	if err := s.write.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&store); err != nil {
		t.Fatal(err)
	}
	if index != 1 || store != 2 {
		t.Errorf("after the first import: %d number index, writer's temp_store %d; want 1 and 2 (memory)", index, store)
	}
}
