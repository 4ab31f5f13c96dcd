package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/callcard/callcard/crm"
)

func cmdRecognise(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("recognise", env)
	var reg registerFlags
	reg.add(fs)
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError(`usage: callcard recognise NUMBER...  (e.g. callcard recognise "06 12345678" "+31 20 555 1234")`)
	}
	store, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	failed := 0
	for _, raw := range fs.Args() {
		r, err := store.Recognise(ctx, raw)
		if err != nil {
			if crm.ErrorCode(err) != crm.CodeInvalid {
				return err
			}
			failed++
			fmt.Fprintf(env.Stdout, "%-24s not a number: %s\n", raw, crm.ErrorMessage(err))
			continue
		}
		fmt.Fprintf(env.Stdout, "%-24s %s\n", raw, describe(r, store))
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d inputs were not numbers", failed, fs.NArg())
	}
	return nil
}

// describe is a recognition in one line a person reads.
func describe(r crm.Recognition, store *crm.Store) string {
	num := r.Number.E164
	if r.Number.National != "" {
		num += " (" + r.Number.National + ", " + string(r.Number.Kind) + ")"
	}
	switch r.Match {
	case crm.MatchWithheld:
		return "withheld: the caller hides their number"
	case crm.MatchUnknown:
		if r.Number.Internal {
			return "internal extension " + r.Number.National + ", not assigned to anyone"
		}
		return num + " -> unknown caller"
	case crm.MatchContact:
		out := fmt.Sprintf("%s -> contact %s", num, r.DisplayName())
		if r.Contact.JobTitle != "" {
			out += ", " + r.Contact.JobTitle
		}
		if o := r.Organisation; o != nil && !o.ClientSince.IsZero() {
			out += fmt.Sprintf("; client for %d years, EUR %s a year", crm.YearsBetween(o.ClientSince, store.Now()), o.AnnualValue)
		}
		return out
	case crm.MatchAmbiguous:
		var names []string
		for _, c := range r.Candidates {
			switch {
			case c.Contact != nil && c.Organisation != nil:
				names = append(names, c.Contact.Name+" ("+c.Organisation.Name+")")
			case c.Contact != nil:
				names = append(names, c.Contact.Name)
			case c.Employee != nil:
				names = append(names, c.Employee.Name)
			case c.Organisation != nil:
				names = append(names, c.Organisation.Name)
			}
		}
		return fmt.Sprintf("%s -> ambiguous, one of: %s", num, strings.Join(names, "; "))
	case crm.MatchNumberRange:
		return fmt.Sprintf("%s -> probably someone from %s (number range %s)", num, r.Organisation.Name, r.Range.Raw)
	default:
		return fmt.Sprintf("%s -> %s %s", num, r.Match, r.DisplayName())
	}
}
