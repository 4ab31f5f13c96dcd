package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"
)

func cmdToken(ctx context.Context, env Env, args []string) error {
	const help = "usage: callcard token add NAME | list | revoke NAME"
	if len(args) == 0 {
		return usageError(help)
	}
	verb, rest := args[0], args[1:]
	fs := newFlagSet("token "+verb, env)
	var reg registerFlags
	reg.add(fs)
	if err := parseFlags(fs, rest, env); err != nil {
		return err
	}
	switch {
	case verb == "list" && fs.NArg() == 0:
	case (verb == "add" || verb == "revoke") && fs.NArg() == 1:
	default:
		return usageError(help)
	}
	store, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	switch verb {
	case "add":
		t, secret, err := store.CreateToken(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Token %q created. Copy it now; it is stored hashed and can't be shown again:\n%s\n", t.Name, secret)
	case "revoke":
		if err := store.RevokeToken(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Token %q revoked.\n", fs.Arg(0))
	case "list":
		tokens, err := store.Tokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tCREATED\tSTATE")
		for _, t := range tokens {
			state := "active"
			if !t.RevokedAt.IsZero() {
				state = "revoked " + t.RevokedAt.Format(time.DateOnly)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, t.CreatedAt.Format(time.DateTime), state)
		}
		return tw.Flush()
	}
	return nil
}
