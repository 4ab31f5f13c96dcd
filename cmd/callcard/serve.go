package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/labstack/echo/v4"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/callcard/callcard/api"
	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/ui"
)

// shutdownGrace is how long in-flight requests get to finish on SIGTERM.
const shutdownGrace = 10 * time.Second

func cmdServe(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("serve", env)
	var reg registerFlags
	reg.add(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (CALLCARD_ADDR)")
	publicURL := fs.String("public-url", "", "URL telephone systems reach this server at, for signatures (CALLCARD_PUBLIC_URL); default http://ADDR")
	webhookSecret := fs.String("webhook-secret", "", "Standard Webhooks secret whsec_... for signed webhooks (CALLCARD_WEBHOOK_SECRET)")
	twilioToken := fs.String("twilio-auth-token", "", "Twilio auth token; enables /api/v1/webhooks/twilio (CALLCARD_TWILIO_AUTH_TOKEN)")
	aircallToken := fs.String("aircall-token", "", "Aircall webhook token; enables /api/v1/webhooks/aircall (CALLCARD_AIRCALL_TOKEN)")
	demo := fs.Bool("demo", false, "load the demo register into an empty database and make a demo API token (CALLCARD_DEMO)")
	logFormat := fs.String("log", "text", "log format: text or json (CALLCARD_LOG)")
	retention := fs.Duration("retention", crm.DefaultRetention, "how long calls keep the caller's number; 0 keeps it for ever (CALLCARD_RETENTION)")
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	if *webhookSecret != "" {
		// A secret that can't sign would refuse every webhook; say so now.
		if _, err := api.SignStandardWebhook(*webhookSecret, "check", time.Now(), nil); err != nil {
			return usageError("--webhook-secret / CALLCARD_WEBHOOK_SECRET: not a Standard Webhooks secret (whsec_ followed by base64)")
		}
	}
	var handler slog.Handler = slog.NewTextHandler(env.Stderr, nil)
	if *logFormat == "json" {
		handler = slog.NewJSONHandler(env.Stderr, nil)
	}
	log := slog.New(handler)

	metrics := api.NewMetrics()
	store, err := reg.openObserved(ctx, metrics.ObserveCallEvent)
	if err != nil {
		return err
	}
	defer store.Close()
	// Retention runs now and daily, and stops before the store closes.
	retentionCtx, stopRetention := context.WithCancel(ctx)
	retentionDone := runRetention(retentionCtx, log, store, *retention)
	defer func() { stopRetention(); <-retentionDone }()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	base := "http://" + ln.Addr().String()
	if *publicURL == "" {
		*publicURL = base
	}

	var demoToken string
	var story *crm.DemoStory
	var logins []demoLogin
	if *demo {
		if demoToken, story, logins, err = loadDemoIfEmpty(ctx, env, store); err != nil {
			ln.Close()
			return err
		}
	}

	hub := api.NewHub(func(n int) { metrics.LiveSubscribers.Set(float64(n)) })
	e := api.NewEcho(log)
	console, err := ui.New(e, ui.Config{
		Store: store, Logger: log, Publish: hub.Publish, StatusOf: api.StatusOf,
		SecureCookies: strings.HasPrefix(*publicURL, "https://"),
	})
	if err != nil {
		ln.Close()
		return err
	}
	api.New(e, api.Config{
		Register: store, Hub: hub, Metrics: metrics, Logger: log, PublicURL: *publicURL,
		WebhookSecret: *webhookSecret, TwilioAuthToken: *twilioToken, AircallToken: *aircallToken,
		Insight: store,
		// The console's browsers reach the live events and the insight
		// routes with their session.
		Sessions: func(c echo.Context) (api.Principal, bool) {
			u, ok := console.UserOf(c)
			return api.Principal{Kind: "user", Name: u.Username, Role: u.Role, EmployeeID: u.EmployeeID, UserID: u.ID}, ok
		},
	})

	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		// No WriteTimeout: event streams stay open; the SSE handler clears
		// its own deadline and every other handler answers at once.
	}
	// Streams end on shutdown, so Shutdown does not wait on them for ever.
	srv.RegisterOnShutdown(hub.Close)

	log.Info("callcard listening", "url", base, "database", reg.database)
	fmt.Fprintf(env.Stdout, "callcard is running at %s (database %s)\n", base, reg.database)
	if *demo {
		printTryIt(env, base, demoToken, story, logins)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// loadDemoIfEmpty loads the demo register into an empty database and makes
// a fresh token to try the API with. A register that already has data is
// left alone.
func loadDemoIfEmpty(ctx context.Context, env Env, store *crm.Store) (string, *crm.DemoStory, []demoLogin, error) {
	var story *crm.DemoStory
	var logins []demoLogin
	summary, err := store.LoadDemo(ctx, crm.DemoOptions{})
	switch {
	case crm.ErrorCode(err) == crm.CodeConflict:
		fmt.Fprintln(env.Stdout, "The register already holds data; the demo register was not loaded again.\n"+
			"Demo users keep the passwords printed the first time; reset one with: callcard user password NAME")
	case err != nil:
		return "", nil, nil, err
	default:
		printDemoSummary(env, summary)
		story = &summary.Story
		if logins, err = createDemoUsers(ctx, store); err != nil {
			return "", nil, nil, err
		}
	}
	name := "demo-" + time.Now().UTC().Format("20060102-150405.000")
	_, secret, err := store.CreateToken(ctx, name)
	if err != nil {
		return "", nil, nil, err
	}
	return secret, story, logins, nil
}

// demoLogin is a console sign-in made for the demo.
type demoLogin struct {
	Username, Password, Name string
	Role                     crm.Role
}

// createDemoUsers gives the first demo employee of each console role a
// sign-in with a fresh random password.
func createDemoUsers(ctx context.Context, store *crm.Store) ([]demoLogin, error) {
	employees, err := store.Employees(ctx)
	if err != nil {
		return nil, err
	}
	var out []demoLogin
	for _, role := range crm.UserRoles {
		for _, e := range employees {
			if e.Role != role {
				continue
			}
			password, err := crm.GeneratePassword()
			if err != nil {
				return nil, err
			}
			username := strings.ToLower(strings.Fields(e.Name)[0])
			if _, err := store.CreateUser(ctx, crm.UserInput{Username: username, Name: e.Name, Password: password, Role: role}); err != nil {
				return nil, err
			}
			out = append(out, demoLogin{Username: username, Password: password, Name: e.Name, Role: role})
			break
		}
	}
	return out, nil
}

func printTryIt(env Env, base, token string, story *crm.DemoStory, logins []demoLogin) {
	if len(logins) > 0 {
		fmt.Fprintf(env.Stdout, "\nOpen %s/ and sign in (passwords shown once):\n", base)
		for _, l := range logins {
			fmt.Fprintf(env.Stdout, "  %-10s %-18s %s (%s)\n", l.Username, l.Password, l.Name, l.Role)
		}
	}
	from, via, who := "+31 6 12345678", "", "a caller"
	if story != nil {
		from, via, who = story.ContactNumber, story.AccountManagerRaw, story.ContactName
	}
	fmt.Fprintf(env.Stdout, "\nA demo API token (shown once, stored hashed): %s\n", token)
	fmt.Fprintf(env.Stdout, "\nRing as %s", who)
	cmd := fmt.Sprintf("  go run ./cmd/callcard call --url %s --token %s --from %q", base, token, from)
	if via != "" {
		fmt.Fprintf(env.Stdout, ", forwarded from %s's mobile", story.AccountManagerName)
		cmd += fmt.Sprintf(" --forwarded-from %q", via)
	}
	fmt.Fprintf(env.Stdout, ":\n%s\n", cmd)
	fmt.Fprintf(env.Stdout, "Look a number up as a desk phone would:\n  curl -H 'Authorization: Bearer %s' '%s/api/v1/lookup?number=%s&format=text'\n",
		token, base, url.QueryEscape(from))
	fmt.Fprintf(env.Stdout, "Watch live call events:\n  curl -N -H 'Authorization: Bearer %s' %s/api/v1/events\n\n", token, base)
}
