package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/callcard/callcard/crm"
)

// cmdErase is `callcard erase contact ID`: the right to be forgotten from
// the command line. It shows what will go and asks for "yes" unless --yes.
func cmdErase(ctx context.Context, env Env, args []string) error {
	const help = "usage: callcard erase contact ID [--yes]"
	if len(args) == 0 || args[0] != "contact" {
		return usageError(help)
	}
	fs := newFlagSet("erase contact", env)
	var reg registerFlags
	reg.add(fs)
	yes := fs.Bool("yes", false, "don't ask for confirmation")
	ids, err := parseArgsAndFlags(fs, args[1:], env)
	if err != nil {
		return err
	}
	if len(ids) != 1 {
		return usageError(help)
	}
	id, err := strconv.ParseInt(ids[0], 10, 64)
	if err != nil || id <= 0 {
		return usageError("ID is the contact's number, e.g. 12 (the number in /contacts/12/edit)")
	}
	store, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	sa, err := store.SubjectAccessExport(ctx, id)
	if err != nil {
		return err
	}
	at := ""
	if sa.Organisation != "" {
		at = " at " + sa.Organisation
	}
	fmt.Fprintf(env.Stdout, "Contact #%d, %s%s: %d numbers, %d history entries, %d calls.\n",
		id, sa.Contact.Name, at, len(sa.Numbers), len(sa.Interactions), len(sa.Calls))
	if !*yes {
		fmt.Fprint(env.Stdout, "Erase this person for good? This can't be undone. Type yes to go on: ")
		answer, _ := bufio.NewReader(env.Stdin).ReadString('\n')
		if strings.TrimSpace(strings.ToLower(answer)) != "yes" {
			return fmt.Errorf("nothing erased")
		}
	}
	rep, err := store.EraseContact(ctx, id, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Erased contact #%d: %d numbers deleted, %d history entries emptied, %d calls anonymised (audit entry #%d).\n",
		id, rep.Numbers, rep.Interactions, rep.Calls, rep.AuditID)
	return nil
}

// cmdExportPerson is `callcard export person ID`: everything held about one
// person, as JSON on standard output (a subject-access request).
func cmdExportPerson(ctx context.Context, env Env, args []string) error {
	const help = "usage: callcard export person ID > person.json"
	fs := newFlagSet("export person", env)
	var reg registerFlags
	reg.add(fs)
	ids, err := parseArgsAndFlags(fs, args, env)
	if err != nil {
		return err
	}
	if len(ids) != 1 {
		return usageError(help)
	}
	id, err := strconv.ParseInt(ids[0], 10, 64)
	if err != nil || id <= 0 {
		return usageError("ID is the contact's number, e.g. 12 (the number in /contacts/12/edit)")
	}
	store, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	sa, err := store.SubjectAccessExport(ctx, id)
	if err != nil {
		return err
	}
	if err := store.Audit(ctx, crm.AuditEntry{Actor: "command line", Action: crm.AuditContactExported,
		SubjectKind: "contact", SubjectID: id}); err != nil {
		return err
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(sa)
}

// parseArgsAndFlags parses flags that may come after the arguments, as
// people type them ("erase contact 12 --yes"), and returns the arguments.
func parseArgsAndFlags(fs *flag.FlagSet, args []string, env Env) ([]string, error) {
	var names []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		names, args = append(names, args[0]), args[1:]
	}
	if err := parseFlags(fs, args, env); err != nil {
		return nil, err
	}
	return append(names, fs.Args()...), nil
}

// runRetention removes caller numbers older than retention at once and then
// daily, until ctx ends; done is closed when it has stopped. A retention of
// 0 or less keeps numbers for ever.
func runRetention(ctx context.Context, log *slog.Logger, store *crm.Store, retention time.Duration) (done <-chan struct{}) {
	ch := make(chan struct{})
	if retention <= 0 {
		close(ch)
		return ch
	}
	go func() {
		defer close(ch)
		tick := time.NewTicker(24 * time.Hour)
		defer tick.Stop()
		for {
			cutoff := time.Now().Add(-retention)
			n, err := store.AnonymiseCallsOlderThan(ctx, cutoff)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				log.Error("retention: removing old caller numbers", "err", err)
			case n > 0:
				log.Info("retention: removed caller numbers from old calls", "calls", n, "before", cutoff.Format(time.DateOnly))
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return ch
}
