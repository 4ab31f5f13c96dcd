package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

// cmdBackup writes a consistent copy of the register while the server keeps
// running; restoring it is described in docs/operations.md.
func cmdBackup(ctx context.Context, env Env, args []string) error {
	const help = "usage: callcard backup [--database callcard.db] FILE"
	fs := newFlagSet("backup", env)
	var reg registerFlags
	reg.add(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, help+"\n\nCopies the register to FILE while the server keeps running. FILE must not exist yet.\n\nFlags:")
		fs.PrintDefaults()
	}
	files, err := parseArgsAndFlags(fs, args, env)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usageError(help)
	}
	store, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	started := time.Now()
	if err := store.Backup(ctx, files[0]); err != nil {
		return err
	}
	var size int64
	if fi, err := os.Stat(files[0]); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(env.Stdout, "Backed up %s to %s (%.1f MB) in %s.\n", reg.database, files[0], float64(size)/1e6,
		time.Since(started).Round(time.Millisecond))
	return nil
}
