package ui_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/callcard/callcard/crm"
)

// browser starts a headless Chromium of its own (own profile, so its own
// session cookie). Without Chromium the test skips, unless
// CALLCARD_REQUIRE_BROWSER is set, as CI sets it.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CALLCARD_REQUIRE_BROWSER") != "" {
			t.Fatal("CALLCARD_REQUIRE_BROWSER is set but no Chromium was found (apt-get install -y chromium)")
		}
		t.Skip("browser test skipped: no Chromium found (apt-get install -y chromium to run it)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelCtx := chromedp.NewContext(alloc)
	// The first call starts the browser and must not carry a timeout (that
	// would stop the browser); every later step runs under one.
	if err := chromedp.Do(browserCtx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(browserCtx, 30*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

// signIn opens the console as a user and waits for the live connection.
func signIn(t *testing.T, ctx context.Context, a *app, username, password string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(a.URL+"/"),
		chromedp.WaitVisible(css(`#username`)),
		chromedp.SendKeys(css(`#username`), username),
		chromedp.SendKeys(css(`#password`), password),
		chromedp.Submit(css(`#password`)),
		chromedp.WaitVisible(css(`[data-live-status].on`)),
	)
	if err != nil {
		state, _ := chromedp.Run(context.WithoutCancel(ctx), chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 500)`))
		t.Fatalf("signing in as %s: %v\npage: %s", username, err, state)
	}
}

// cardText waits for a call's card and returns its text.
func cardText(t *testing.T, ctx context.Context, callID int64) string {
	t.Helper()
	sel := `[data-stack] [data-card="` + itoa(callID) + `"]`
	if err := chromedp.Do(ctx, chromedp.WaitVisible(css(sel))); err != nil {
		t.Fatalf("card of call %d: %v", callID, err)
	}
	return text(t, ctx, sel)
}

// css names an element by CSS selector.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// text reads an element's visible text.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func callID(t *testing.T, a *app, ref string) int64 {
	t.Helper()
	c, err := a.store.CallByRef(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func TestBrowserConsole(t *testing.T) {
	a := newApp(t)
	a.seedClient(t)
	annaPassword := a.addUser(t, "anna", "Anna de Boer", crm.RoleReceptionist)
	ctx := browser(t)
	signIn(t, ctx, a, "anna", annaPassword)

	// A ringing call pops a card without reload, with the caller's name and
	// company and whom they were trying to reach.
	// A MutationObserver in the page sees the card the moment it is
	// inserted, so the time measured is the product's, not the poll's.
	started := time.Now()
	a.ring(t, "b-1", "+31 6 12345678")
	id := callID(t, a, "b-1")
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!document.querySelector('[data-stack] [data-card="`+itoa(id)+`"]')`,
		chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("no card for the ringing call: %v", err)
	}
	t.Logf("card on screen %s after the webhook was sent", time.Since(started).Round(time.Millisecond))
	card0 := cardText(t, ctx, id)
	for _, want := range []string{"Martijn de Vries", "ICT-manager", "Acme Logistiek BV", "Sanne Visser", "7 years", "€8,400"} {
		if !strings.Contains(card0, want) {
			t.Errorf("card lacks %q:\n%s", want, card0)
		}
	}
	if strings.Contains(card0, "Add this caller") {
		t.Errorf("a recognised caller's card asks for their details:\n%s", card0)
	}

	// Add a note: it shows in the history at once.
	card := `[data-card="` + itoa(id) + `"]`
	note := "Asked about restoring deleted files"
	err := chromedp.Do(ctx,
		chromedp.SendKeys(css(card+` textarea[name=summary]`), note),
		chromedp.Click(css(card+` form.note button`)),
		chromedp.WaitVisible(css(card+` .flash`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	history := text(t, ctx, card+` [data-history]`)
	if !strings.Contains(history, note) || !strings.Contains(history, "Anna de Boer") {
		t.Fatalf("history after the note:\n%s", history)
	}
	screenshot(t, ctx, "console-card.png")

	// An unknown caller, added through quick-add, is recognised next time.
	a.ring(t, "b-2", "+31 20 794 6123")
	unknown := `[data-card="` + itoa(callID(t, a, "b-2")) + `"]`
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(css(unknown+` form.quick-add`)),
		chromedp.SendKeys(css(unknown+` input[name=name]`), "Joyce Smit"),
		chromedp.SendKeys(css(unknown+` input[name=company]`), "Acme Logistiek BV"),
		chromedp.SendKeys(css(unknown+` input[name=job_title]`), "Controller"),
		chromedp.Click(css(unknown+` form.quick-add button`)),
		chromedp.WaitVisible(css(unknown+` .flash`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	a.ring(t, "b-3", "020-7946123")
	if got := cardText(t, ctx, callID(t, a, "b-3")); !strings.Contains(got, "Joyce Smit") || !strings.Contains(got, "Controller") {
		t.Fatalf("the quick-added caller is not recognised on the next call:\n%s", got)
	}
}

func TestBrowserTakenBy(t *testing.T) {
	a := newApp(t)
	a.seedClient(t)
	anna := a.addUser(t, "anna", "Anna de Boer", crm.RoleReceptionist)
	bram := a.addUser(t, "bram", "Bram Jansen", crm.RoleReceptionist)
	annaCtx, bramCtx := browser(t), browser(t)
	signIn(t, annaCtx, a, "anna", anna)
	signIn(t, bramCtx, a, "bram", bram)

	a.ring(t, "t-1", "0612345678")
	id := callID(t, a, "t-1")
	cardText(t, annaCtx, id)
	cardText(t, bramCtx, id)
	card := `[data-card="` + itoa(id) + `"]`
	if err := chromedp.Do(annaCtx, chromedp.Click(css(card+` [data-taken] button`)),
		chromedp.WaitVisible(css(card+`[data-mine="true"]`))); err != nil {
		t.Fatal(err)
	}
	_, err := chromedp.Run(bramCtx, chromedp.Poll[bool](
		`document.querySelector('`+card+` [data-taken]').textContent.includes('Taken by Anna de Boer')`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("the second screen does not show who took the call: %v (%q)", err, text(t, bramCtx, card+` [data-taken]`))
	}
	screenshot(t, bramCtx, "console-taken-by.png")
}

// screenshot saves a PNG to $CALLCARD_ARTIFACTS (default artifacts/ at the
// repository root) for people to look at.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("CALLCARD_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "artifacts")
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// TestBrowserConsoleOpensUnderWay: a receptionist who opens (or reloads)
// the console while calls are under way gets their cards, as a screen open
// all along has them, and the live stream carries on from there.
func TestBrowserConsoleOpensUnderWay(t *testing.T) {
	a := newApp(t)
	a.seedClient(t)
	ctx := context.Background()
	anna := a.addUser(t, "anna", "Anna de Boer", crm.RoleReceptionist)
	annaUser, err := a.store.UserByUsername(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}

	a.ring(t, "u-ringing", "0612345678")
	a.ring(t, "u-mine", "0612345678") // Anna took it, it ended, her notes are not done
	mine := callID(t, a, "u-mine")
	if _, err := a.store.TakeCall(ctx, mine, annaUser.EmployeeID); err != nil {
		t.Fatal(err)
	}
	a.ring(t, "u-ended", "0612345678")
	for _, ref := range []string{"u-mine", "u-ended"} {
		if _, err := a.store.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: ref, Event: crm.EventEnded}); err != nil {
			t.Fatal(err)
		}
	}

	bctx := browser(t)
	signIn(t, bctx, a, "anna", anna)
	cardText(t, bctx, callID(t, a, "u-ringing"))
	cardText(t, bctx, mine)
	ended := `[data-stack] [data-card="` + itoa(callID(t, a, "u-ended")) + `"]`
	if present, _ := chromedp.Run(bctx, chromedp.Evaluate[bool](`!!document.querySelector('`+ended+`')`)); present {
		t.Error("the console opened with the card of a call that ended and is not Anna's")
	}

	// The stream carries on: the next call pops up as usual.
	a.ring(t, "u-next", "0612345678")
	cardText(t, bctx, callID(t, a, "u-next"))
}

// TestBrowserConsoleSignedOut: a console whose user is disabled (or whose
// sign-in ends) does not sit there quietly without calls: its live stream
// ends, and the screen goes to the sign-in page.
func TestBrowserConsoleSignedOut(t *testing.T) {
	a := newApp(t)
	anna := a.addUser(t, "anna", "Anna de Boer", crm.RoleReceptionist)
	ctx := browser(t)
	signIn(t, ctx, a, "anna", anna)
	u, err := a.store.UserByUsername(context.Background(), "anna")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.store.SetUserDisabled(context.Background(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	// Polled from here, not in the page: the page is left mid-poll.
	var where string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if where, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`)); where == "/login" {
			return
		}
	}
	t.Fatalf("the console of a disabled user is still at %q after 20 s, not at the sign-in page", where)
}

// TestBrowserConsoleReconnects: when the server answers the live stream
// with an error, as a proxy does while callcard restarts, the browser gives
// up on the stream for good; the console connects again once it can, and
// shows the calls that rang in the meantime.
func TestBrowserConsoleReconnects(t *testing.T) {
	var down atomic.Bool
	a := newAppServing(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down.Load() && r.URL.Path == "/api/v1/events" {
				http.Error(w, "restarting", http.StatusBadGateway)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	a.seedClient(t)
	anna := a.addUser(t, "anna", "Anna de Boer", crm.RoleReceptionist)
	ctx := browser(t)
	signIn(t, ctx, a, "anna", anna)

	down.Store(true)
	a.CloseClientConnections() // the stream drops; the browser's own retry gets the 502
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.querySelector("[data-live-status]").classList.contains("on")`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the console still says it is live: %v", err)
	}
	a.ring(t, "r-1", "0612345678") // rings while the screen is cut off
	time.Sleep(1500 * time.Millisecond)
	down.Store(false)
	cardText(t, ctx, callID(t, a, "r-1"))
	if err := chromedp.Do(ctx, chromedp.WaitVisible(css(`[data-live-status].on`))); err != nil {
		t.Fatalf("the console did not come back live: %v", err)
	}
	a.ring(t, "r-2", "0612345678")
	cardText(t, ctx, callID(t, a, "r-2"))
}
