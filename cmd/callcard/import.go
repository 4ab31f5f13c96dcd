package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/callcard/callcard/crm"
)

// importers maps what can be imported to the register's importer.
func importers(store *crm.Store) map[string]func(context.Context, io.Reader, crm.ImportOptions) (crm.ImportReport, error) {
	return map[string]func(context.Context, io.Reader, crm.ImportOptions) (crm.ImportReport, error){
		"contacts":  store.ImportContacts,
		"employees": store.ImportEmployees,
		"services":  store.ImportServices,
	}
}

func cmdImport(ctx context.Context, env Env, args []string) error {
	const help = "usage: callcard import contacts|employees|services FILE.csv (formats: docs/csv.md)"
	if len(args) == 0 {
		return usageError(help)
	}
	what := args[0]
	fs := newFlagSet("import "+what, env)
	var reg registerFlags
	reg.add(fs)
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parseFlags(fs, args[1:], env); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError(help)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	store, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	importer, ok := importers(store)[what]
	if !ok {
		return usageError(help)
	}
	var opt crm.ImportOptions
	bar := newProgressBar(env.Stderr, info.Size())
	if !*quiet && bar.enabled {
		opt.Progress = bar.update
	}
	started := time.Now()
	report, err := importer(ctx, f, opt)
	bar.finish()
	if err != nil {
		return err
	}
	took := time.Since(started)
	for _, re := range report.Errors {
		fmt.Fprintf(env.Stderr, "%s: %s\n", fs.Arg(0), re.Error())
	}
	if report.Failed > len(report.Errors) {
		fmt.Fprintf(env.Stderr, "... and %d more bad rows\n", report.Failed-len(report.Errors))
	}
	rate := float64(report.Rows) / took.Seconds()
	fmt.Fprintf(env.Stdout, "Imported %d of %d %s rows (%d new, %d updated, %d refused) in %s (%.0f rows/s).\n",
		report.Imported, report.Rows, what, report.Created, report.Updated, report.Failed, took.Round(time.Millisecond), rate)
	if report.Failed > 0 {
		return fmt.Errorf("%d rows were refused; the others were imported", report.Failed)
	}
	return nil
}

func cmdExport(ctx context.Context, env Env, args []string) error {
	const help = "usage: callcard export contacts|employees|services [--out FILE.csv] | person ID"
	if len(args) == 0 {
		return usageError(help)
	}
	if args[0] == "person" {
		return cmdExportPerson(ctx, env, args[1:]) // cmd/callcard/privacy.go
	}
	what := args[0]
	fs := newFlagSet("export "+what, env)
	var reg registerFlags
	reg.add(fs)
	out := fs.String("out", "", "file to write; default standard output")
	if err := parseFlags(fs, args[1:], env); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError(help)
	}
	store, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	exporters := map[string]func(context.Context, io.Writer) error{
		"contacts": store.ExportContacts, "employees": store.ExportEmployees, "services": store.ExportServices,
	}
	export, ok := exporters[what]
	if !ok {
		return usageError(help)
	}
	if *out == "" {
		return export(ctx, env.Stdout)
	}
	// Write to a temporary file and rename, so a failed export never leaves
	// a truncated file where a good one was.
	tmp, err := os.CreateTemp(dirOf(*out), ".callcard-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := export(ctx, tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), *out)
}

func dirOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[:i+1]
	}
	return "."
}

// progressBar draws import progress on a terminal, and nothing elsewhere so
// logs and pipes stay clean.
type progressBar struct {
	w       io.Writer
	total   int64
	enabled bool
	drawn   bool
	started time.Time
}

func newProgressBar(w io.Writer, total int64) *progressBar {
	enabled := false
	if f, ok := w.(*os.File); ok {
		enabled = term.IsTerminal(int(f.Fd())) && total > 0
	}
	return &progressBar{w: w, total: total, enabled: enabled, started: time.Now()}
}

func (p *progressBar) update(pr crm.ImportProgress) {
	const width = 30
	frac := float64(pr.Bytes) / float64(p.total)
	frac = min(max(frac, 0), 1)
	filled := int(frac * width)
	rate := float64(pr.Rows) / max(time.Since(p.started).Seconds(), 1e-3)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%%  %d rows  %d refused  %.0f rows/s ",
		strings.Repeat("#", filled), strings.Repeat(" ", width-filled), frac*100, pr.Rows, pr.Failed, rate)
	p.drawn = true
}

func (p *progressBar) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
