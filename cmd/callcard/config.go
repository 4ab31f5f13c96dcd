package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// DefaultDatabase is the SQLite file used when none is given.
const DefaultDatabase = "callcard.db"

// registerFlags are the flags every command that opens the register shares.
type registerFlags struct {
	database string
	region   string
	sync     string
	language string
}

// newFlagSet makes a flag set that prints to stderr and reports errors
// instead of exiting.
func newFlagSet(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet("callcard "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

func (r *registerFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&r.database, "database", DefaultDatabase, "SQLite file of the register (CALLCARD_DATABASE)")
	fs.StringVar(&r.region, "region", "NL", "region for numbers written without country code (CALLCARD_REGION)")
	fs.StringVar(&r.language, "language", "en", "language the register writes its own history entries in: en or nl (CALLCARD_LANGUAGE)")
	fs.StringVar(&r.sync, "sync", "full", "commit flush policy: full (survives power loss) or normal (survives a crash of callcard, twice the write rate) (CALLCARD_SYNC)")
}

// parseFlags parses args, letting CALLCARD_<NAME> fill any flag not given on
// the command line (flag "public-url" reads CALLCARD_PUBLIC_URL).
func parseFlags(fs *flag.FlagSet, args []string, env Env) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return errHelp
		}
		return usageError(err.Error())
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		name := "CALLCARD_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := env.Getenv(name); v != "" {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = usageError(fmt.Sprintf("%s: %v", name, serr))
			}
		}
	})
	return err
}

// errHelp ends a command that was asked for its flags.
var errHelp = usageError("")

// openRegister opens the register the flags name.
func (r *registerFlags) open(ctx context.Context) (*crm.Store, error) {
	return r.openObserved(ctx, nil)
}

// openObserved opens the register the flags name, telling observe how each
// stored call event went through the writer (metrics).
func (r *registerFlags) openObserved(ctx context.Context, observe func(crm.CallEventTimes)) (*crm.Store, error) {
	n, err := phone.New(phone.Config{DefaultRegion: r.region})
	if err != nil {
		return nil, usageError(fmt.Sprintf("--region: %v", err))
	}
	lang, err := crm.ParseLanguage("language", r.language)
	if err != nil {
		return nil, usageError("--language: " + crm.ErrorMessage(err))
	}
	return crm.Open(ctx, crm.Config{Path: r.database, Phone: n, Synchronous: r.sync, Language: lang, ObserveCallEvent: observe})
}
