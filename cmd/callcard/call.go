package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/callcard/callcard/api"
	"github.com/callcard/callcard/crm"
)

// callTimeout bounds the whole request, so a server that accepts the
// connection but never answers cannot hang a test script.
const callTimeout = 10 * time.Second

// cmdCall sends one call event to a running server through the generic
// webhook, exactly as a telephone system would: the quickest way to check a
// token, a webhook secret or what a number is recognised as.
func cmdCall(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("call", env)
	from := fs.String("from", "", "caller's number, as the telephone system would send it (\"anonymous\" for a withheld caller)")
	to := fs.String("to", "", "number that was dialled")
	forwarded := fs.String("forwarded-from", "", "number the call was forwarded from (a number, SIP URI or Diversion header)")
	event := fs.String("event", "ringing", "ringing, answered, ended or missed")
	callID := fs.String("call-id", "", "call id; default a random test-… id (reuse one to send a later event of the same call)")
	agent := fs.String("agent", "", "who answered (with --event answered)")
	server := fs.String("url", "http://127.0.0.1:8080", "address of the callcard server (CALLCARD_URL)")
	token := fs.String("token", "", "API token, sent as a bearer token (CALLCARD_TOKEN)")
	secret := fs.String("webhook-secret", "", "Standard Webhooks secret \"whsec_...\"; signs the event instead of sending the token (CALLCARD_WEBHOOK_SECRET)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: callcard call --from NUMBER [flags]\n\nSends one call event to a running server's generic webhook and says what it made of it.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	ev, err := crm.ParseCallEvent("event", *event)
	if err != nil {
		return usageError("--event: " + crm.ErrorMessage(err))
	}
	if ev == crm.EventRinging && strings.TrimSpace(*from) == "" {
		return usageError("give the caller's number with --from (\"anonymous\" for a withheld caller)")
	}
	if *secret == "" && *token == "" {
		return usageError("give an API token (--token or CALLCARD_TOKEN) or a webhook secret (--webhook-secret or CALLCARD_WEBHOOK_SECRET)")
	}
	endpoint, err := webhookURL(*server)
	if err != nil {
		return err
	}
	if *callID == "" {
		*callID = "test-" + randomHex(6)
	}
	body, err := json.Marshal(map[string]string{
		"call_id": *callID, "event": string(ev), "from": *from, "to": *to,
		"forwarded_from": *forwarded, "agent": *agent,
	})
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if *secret != "" {
		// A secret wins over a token: it is the stricter check, and the
		// server prefers a bearer token when both arrive.
		now := time.Now()
		id := "msg_" + randomHex(12)
		sig, err := api.SignStandardWebhook(*secret, id, now, body)
		if err != nil {
			return usageError("--webhook-secret: " + crm.ErrorMessage(err))
		}
		req.Header.Set("webhook-id", id)
		req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
		req.Header.Set("webhook-signature", sig)
	} else {
		req.Header.Set("Authorization", "Bearer "+*token)
	}

	resp, err := (&http.Client{Timeout: callTimeout}).Do(req)
	if err != nil {
		return fmt.Errorf("could not reach the server at %s: %w", *server, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading the server's answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return serverRefusal(resp.StatusCode, answer)
	}
	var got api.WebhookResponse
	if err := json.Unmarshal(answer, &got); err != nil {
		return fmt.Errorf("the server answered %s with something that is not callcard's JSON: %.200s", resp.Status, answer)
	}
	describeCall(env.Stdout, *callID, ev, got)
	return nil
}

// webhookURL is the generic webhook's address on the server at base.
func webhookURL(base string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", usageError(fmt.Sprintf("--url: %q is not an http(s) address such as http://127.0.0.1:8080", base))
	}
	return strings.TrimRight(u.String(), "/") + "/api/v1/webhooks/call", nil
}

// serverRefusal turns an error answer into an error carrying the server's own words.
func serverRefusal(status int, answer []byte) error {
	var e api.ErrorBody
	if json.Unmarshal(answer, &e) != nil || e.Error == "" {
		return fmt.Errorf("the server answered %d %s", status, http.StatusText(status))
	}
	if e.Field != "" {
		return fmt.Errorf("the server answered %d %s: %s (%s)", status, http.StatusText(status), e.Error, e.Field)
	}
	return fmt.Errorf("the server answered %d %s: %s", status, http.StatusText(status), e.Error)
}

// describeCall prints the server's answer in plain words.
func describeCall(w io.Writer, callID string, ev crm.CallEvent, got api.WebhookResponse) {
	if got.Status == "duplicate" {
		fmt.Fprintf(w, "Already received: the %s event of call %s was sent before; nothing changed.\n", ev, callID)
	} else {
		fmt.Fprintf(w, "Stored the %s event of call %s.\n", ev, callID)
	}
	fmt.Fprintf(w, "Call status: %s\n", got.CallStatus)
	if got.Match != "" {
		fmt.Fprintf(w, "Caller:      %s\n", matchWords(got.Match))
	}
	if got.DisplayName != "" {
		fmt.Fprintf(w, "Shown as:    %s\n", got.DisplayName)
	}
}

// matchWords says what a recognition outcome means.
func matchWords(m crm.Match) string {
	switch m {
	case crm.MatchContact:
		return "recognised as a contact"
	case crm.MatchOrganisation:
		return "recognised as a client's switchboard or shared line"
	case crm.MatchEmployee:
		return "one of our own staff"
	case crm.MatchNumberRange:
		return "an unknown number in a client's direct-dial range"
	case crm.MatchAmbiguous:
		return "the number belongs to several people"
	case crm.MatchUnknown:
		return "not in the register"
	case crm.MatchWithheld:
		return "number withheld"
	}
	return string(m)
}

// randomHex is n random bytes as hex, for ids that must not repeat.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
