package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/callcard/callcard/crm"
)

func cmdUser(ctx context.Context, env Env, args []string) error {
	const help = "usage: callcard user add NAME --role ROLE [--employee \"Full Name\"] [--password-stdin] | list | password NAME | disable NAME | enable NAME"
	if len(args) == 0 {
		return usageError(help)
	}
	verb := args[0]
	fs := newFlagSet("user "+verb, env)
	var reg registerFlags
	reg.add(fs)
	role := fs.String("role", "", "receptionist, account_manager, service_manager or admin")
	employee := fs.String("employee", "", "the staff member this user is (default: the employee named NAME, created if missing)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
	// Flags may come after the user name, as people type them.
	var names []string
	rest := args[1:]
	for len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		names, rest = append(names, rest[0]), rest[1:]
	}
	if err := parseFlags(fs, rest, env); err != nil {
		return err
	}
	names = append(names, fs.Args()...)
	wantNames := map[string]int{"add": 1, "list": 0, "password": 1, "disable": 1, "enable": 1}
	if n, ok := wantNames[verb]; !ok || len(names) != n {
		return usageError(help)
	}
	store, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	readPassword := func() (string, bool, error) {
		if !*fromStdin {
			p, err := crm.GeneratePassword()
			return p, true, err
		}
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", false, fmt.Errorf("reading the password from standard input: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), false, nil
	}
	switch verb {
	case "add":
		if *role == "" {
			return usageError("callcard user add NAME --role ROLE: the role is required")
		}
		password, generated, err := readPassword()
		if err != nil {
			return err
		}
		u, err := store.CreateUser(ctx, crm.UserInput{Username: names[0], Name: *employee, Password: password, Role: crm.Role(*role)})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "User %q (%s, %s) created.\n", u.Username, u.Name, u.Role)
		if generated {
			fmt.Fprintf(env.Stdout, "Password (shown once): %s\n", password)
		}
	case "password":
		u, err := store.UserByUsername(ctx, names[0])
		if err != nil {
			return err
		}
		password, generated, err := readPassword()
		if err != nil {
			return err
		}
		if err := store.SetPassword(ctx, u.ID, password); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Password of %q changed; their sessions were ended.\n", u.Username)
		if generated {
			fmt.Fprintf(env.Stdout, "New password (shown once): %s\n", password)
		}
	case "disable", "enable":
		u, err := store.UserByUsername(ctx, names[0])
		if err != nil {
			return err
		}
		if err := store.SetUserDisabled(ctx, u.ID, verb == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "User %q %sd.\n", u.Username, verb)
	case "list":
		users, err := store.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tNAME\tROLE\tSTATE")
		for _, u := range users {
			state := "active"
			if !u.DisabledAt.IsZero() {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Username, u.Name, u.Role, state)
		}
		return tw.Flush()
	}
	return nil
}
