package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callcard/callcard/api"
	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/ui"
)

// TestSecurityHeaders: pages and API answers both forbid framing, sniffing
// and inline script.
func TestSecurityHeaders(t *testing.T) {
	a := newServedApp(t, servedOptions{})
	for _, tc := range []struct{ name, path, token string }{
		{"Page", "/login", ""},
		{"API", "/api/v1/calls", a.token},
		{"APIError", "/api/v1/calls", ""},
		{"Health", "/healthz", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, a.URL+tc.path, nil)
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h := resp.Header
			csp := h.Get("Content-Security-Policy")
			script := directive(csp, "script-src")
			if script == "" {
				script = directive(csp, "default-src")
			}
			if script == "" || strings.Contains(script, "'unsafe-inline'") || strings.Contains(script, "'unsafe-eval'") {
				t.Errorf("script policy %q in CSP %q", script, csp)
			}
			if directive(csp, "frame-ancestors") != "'none'" {
				t.Errorf("CSP %q lacks frame-ancestors 'none'", csp)
			}
			for header, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"} {
				if got := h.Get(header); got != want {
					t.Errorf("%s = %q, want %q", header, got, want)
				}
			}
			switch rp := h.Get("Referrer-Policy"); rp {
			case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
			default:
				t.Errorf("Referrer-Policy = %q", rp)
			}
		})
	}
}

// directive returns the value of one CSP directive.
func directive(csp, name string) string {
	for _, d := range strings.Split(csp, ";") {
		if f := strings.Fields(d); len(f) > 0 && f[0] == name {
			return strings.Join(f[1:], " ")
		}
	}
	return ""
}

// signInAs posts the sign-in form and returns the session cookie.
func signInAs(t *testing.T, client *http.Client, base, username, password string) *http.Cookie {
	t.Helper()
	resp, err := client.PostForm(base+"/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %s", resp.Status)
	}
	for _, c := range resp.Cookies() {
		if c.Name == ui.SessionCookie {
			return c
		}
	}
	t.Fatal("no session cookie")
	return nil
}

func noRedirects(c *http.Client) *http.Client {
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// TestSecureCookies: the session cookie is Secure whenever the console is
// reached over TLS, directly or behind a proxy that terminates it.
func TestSecureCookies(t *testing.T) {
	const password = "correct horse battery"
	for _, tc := range []struct {
		name   string
		opt    servedOptions
		secure bool
	}{
		{"ServedOverTLS", servedOptions{TLS: true}, true},
		{"BehindTLSProxy", servedOptions{PublicURL: "https://callcard.example.nl"}, true},
		{"PlainHTTPForLocalUse", servedOptions{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newServedApp(t, tc.opt)
			if _, err := a.store.CreateUser(context.Background(), crm.UserInput{Username: "anna", Password: password, Role: crm.RoleReceptionist}); err != nil {
				t.Fatal(err)
			}
			c := signInAs(t, noRedirects(a.Client()), a.URL, "anna", password)
			if c.Secure != tc.secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Fatalf("session cookie: Secure=%v HttpOnly=%v SameSite=%v, want Secure=%v, HttpOnly, Lax",
					c.Secure, c.HttpOnly, c.SameSite, tc.secure)
			}
		})
	}
}

// syncBuffer is a log destination the server's goroutines can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

const testWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// postSigned sends a Standard Webhooks message.
func postSigned(t *testing.T, base, id string, ts time.Time, body string) (*http.Response, []byte) {
	t.Helper()
	sig, err := api.SignStandardWebhook(testWebhookSecret, id, ts, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/webhooks/call", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, out
}

// TestSecretsNotLogged runs a sign-in, a token creation, webhooks with a
// bearer token and with a signature (good and bad ones), and a look-up, and
// checks that the server's log holds no password, token, webhook secret or
// phone number.
func TestSecretsNotLogged(t *testing.T) {
	var logs syncBuffer
	a := newServedApp(t, servedOptions{WebhookSecret: testWebhookSecret, Log: &logs})
	ctx := context.Background()
	const password = "my very secret password"
	if _, err := a.store.CreateUser(ctx, crm.UserInput{Username: "root", Password: password, Role: crm.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	(&app{Server: a.Server, store: a.store}).seedClient(t)
	client := noRedirects(&http.Client{})

	// A wrong password first, then the right one.
	resp, err := client.PostForm(a.URL+"/login", url.Values{"username": {"root"}, "password": {password + "x"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	session := signInAs(t, client, a.URL, "root", password)
	sess, err := a.store.SessionByToken(ctx, session.Value)
	if err != nil {
		t.Fatal(err)
	}

	// A token made on the admin page: the secret is on the page, once.
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/admin/tokens", strings.NewReader(url.Values{"name": {"asterisk"}, "csrf": {sess.CSRF}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(session)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	newToken := regexp.MustCompile(`cc_[A-Za-z0-9_-]{30,}`).Find(page)
	if newToken == nil {
		t.Fatalf("no token on the page (%s)", resp.Status)
	}

	numbers := []string{"06 12345678", "+31 20 794 6000", "0031 6 34509876"}
	// Webhooks with the new token: one recognised, one unknown, one invalid.
	for i, body := range []string{
		`{"call_id":"s1","event":"ringing","from":"06 12345678"}`,
		`{"call_id":"s2","event":"ringing","from":"0031 6 34509876"}`,
		`{"call_id":"s3","event":"ringing","from":"06 12345678 not a number"}`,
	} {
		req, _ := http.NewRequest(http.MethodPost, a.URL+"/api/v1/webhooks/call", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+string(newToken))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := []int{200, 200, 400}[i]; resp.StatusCode != want {
			t.Fatalf("webhook %d: %s, want %d", i, resp.Status, want)
		}
	}
	// A wrong token.
	req, _ = http.NewRequest(http.MethodPost, a.URL+"/api/v1/webhooks/call", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+string(newToken)+"x")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	// Signed webhooks: a good one and one with a bad signature.
	body := `{"call_id":"s4","event":"ringing","from":"+31 20 794 6000"}`
	if resp, out := postSigned(t, a.URL, "msg_1", time.Now(), body); resp.StatusCode != http.StatusOK {
		t.Fatalf("signed webhook: %s %s", resp.Status, out)
	}
	req, _ = http.NewRequest(http.MethodPost, a.URL+"/api/v1/webhooks/call", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", "msg_2")
	req.Header.Set("webhook-timestamp", strconv.FormatInt(time.Now().Unix(), 10))
	req.Header.Set("webhook-signature", "v1,"+strings.Repeat("A", 44))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("badly signed webhook: %s", resp.Status)
		}
	}
	// A look-up: the number is in the query string.
	req, _ = http.NewRequest(http.MethodGet, a.URL+"/api/v1/lookup?number="+url.QueryEscape("06 12345678"), nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}

	out := logs.String()
	if !strings.Contains(out, "/api/v1/webhooks/call") {
		t.Fatalf("the log shows no requests at all:\n%s", out)
	}
	secrets := map[string]string{
		"password":             password,
		"token":                string(newToken),
		"test token":           a.token,
		"webhook secret":       testWebhookSecret,
		"webhook secret key":   strings.TrimPrefix(testWebhookSecret, "whsec_"),
		"session cookie":       session.Value,
		"CSRF token":           sess.CSRF,
		"number E.164":         "+31612345678",
		"number digits":        "612345678",
		"number switchboard":   "207946000",
		"number unknown":       "634509876",
		"number without space": "0612345678",
	}
	for _, n := range numbers {
		secrets["number "+n] = n
	}
	for what, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the log holds the %s %q", what, s)
		}
	}
}

// TestWebhookReplay: a Standard Webhooks message delivered again is stored
// once; one whose timestamp is more than five minutes old is refused.
func TestWebhookReplay(t *testing.T) {
	a := newServedApp(t, servedOptions{WebhookSecret: testWebhookSecret})
	ctx := context.Background()
	body := `{"call_id":"r1","event":"ringing","from":"06 12345678"}`
	now := time.Now()
	var statuses []string
	for range 3 {
		resp, out := postSigned(t, a.URL, "msg_replayed", now, body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("delivery: %s %s", resp.Status, out)
		}
		var got api.WebhookResponse
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, got.Status)
	}
	if strings.Join(statuses, ",") != "stored,duplicate,duplicate" {
		t.Fatalf("deliveries answered %v, want stored once then duplicate", statuses)
	}
	if evs, err := a.store.LiveEventsSince(ctx, 0, 100); err != nil || len(evs) != 1 {
		t.Fatalf("%d events stored (%v), want 1", len(evs), err)
	}

	// Captured six minutes ago and sent again now: too old.
	old := `{"call_id":"r2","event":"ringing","from":"06 12345678"}`
	resp, out := postSigned(t, a.URL, "msg_old", now.Add(-api.WebhookTolerance-time.Minute), old)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(out), "webhook-timestamp") {
		t.Fatalf("old webhook: %s %s, want 401 on webhook-timestamp", resp.Status, out)
	}
	if _, err := a.store.CallByRef(ctx, "r2"); crm.ErrorCode(err) != crm.CodeNotFound {
		t.Fatalf("the old webhook was stored: %v", err)
	}
}

// TestSignInThrottleIgnoresForgedAddress: a client that writes its own
// X-Forwarded-For can't dodge the sign-in throttle by claiming a new
// address for every guess; behind a local proxy, the address the proxy
// appends is the one that counts.
func TestSignInThrottleIgnoresForgedAddress(t *testing.T) {
	a := newServedApp(t, servedOptions{})
	if _, err := a.store.CreateUser(context.Background(), crm.UserInput{Username: "anna", Password: "correct horse battery", Role: crm.RoleReceptionist}); err != nil {
		t.Fatal(err)
	}
	guess := func(peer, xff string) int {
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{"username": {"anna"}, "password": {"wrong guess"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = peer
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		rec := httptest.NewRecorder()
		a.echo.ServeHTTP(rec, req)
		return rec.Code
	}
	t.Run("Direct", func(t *testing.T) {
		var codes []int
		for i := range 7 {
			codes = append(codes, guess("203.0.113.7:40000", "198.51.100."+strconv.Itoa(i+1)))
		}
		if codes[5] != http.StatusTooManyRequests || codes[6] != http.StatusTooManyRequests {
			t.Fatalf("statuses %v: a forged X-Forwarded-For reset the throttle", codes)
		}
	})
	t.Run("BehindLocalProxy", func(t *testing.T) {
		// nginx's $proxy_add_x_forwarded_for appends the real client.
		var codes []int
		for i := range 7 {
			codes = append(codes, guess("127.0.0.1:50000", "198.51.100."+strconv.Itoa(i+1)+", 203.0.113.8"))
		}
		if codes[5] != http.StatusTooManyRequests {
			t.Fatalf("statuses %v: the client behind the proxy was not throttled", codes)
		}
		// Someone else behind the same proxy is not.
		if code := guess("127.0.0.1:50000", "203.0.113.99"); code != http.StatusUnauthorized {
			t.Fatalf("another client: %d, want 401", code)
		}
	})
}
