package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/callcard/callcard/crm"
)

func cmdDemo(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("demo", env)
	var reg registerFlags
	reg.add(fs)
	seed := fs.Uint64("seed", 1, "which demo register to generate; the same seed gives the same register")
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	store, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	summary, err := store.LoadDemo(ctx, crm.DemoOptions{Seed: *seed})
	if err != nil {
		return err
	}
	printDemoSummary(env, summary)
	fmt.Fprintf(env.Stdout, "\nTry: callcard recognise --database %s %q\n", reg.database, summary.Story.ContactNumber)
	return nil
}

// printDemoSummary says what the demo register holds and which numbers show
// each recognition outcome.
func printDemoSummary(env Env, s crm.DemoSummary) {
	fmt.Fprintf(env.Stdout, "Loaded the demo register of %s in %s: %d employees, %d services, %d organisations, "+
		"%d contacts, %d numbers, %d number ranges, %d subscriptions, %d interactions, and the last month's %d calls.\n",
		crm.DemoFirm, s.Took.Round(1e6), s.Employees, s.Services, s.Organisations, s.Contacts, s.Numbers, s.Ranges,
		s.Subscriptions, s.Interactions, s.Calls)
	st := s.Story
	fmt.Fprintf(env.Stdout, "\nThe story: %s, %s at %s, client for %d years (EUR %s a year, only %v), rings %s's mobile %s and is forwarded to reception.\n",
		st.ContactName, st.JobTitle, st.OrganisationName, st.Years, st.AnnualValue, st.Services, st.AccountManagerName,
		st.AccountManagerRaw)
	fmt.Fprintln(env.Stdout, "\nNumbers to try:")
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	for _, ex := range s.Examples {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", ex.Raw, ex.Match, ex.Expect)
	}
	tw.Flush()
}
