package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/callcard/callcard/api"
	"github.com/callcard/callcard/crm"
)

func TestGenericWebhook(t *testing.T) {
	ts := newTestServer(t)
	ts.seed(t)
	ctx := context.Background()

	t.Run("StoredAndRecognised", func(t *testing.T) {
		resp, body := ts.postCall(t, `{"call_id":"c-1","event":"ringing","from":"sip:+31612345678@pbx.example.com;user=phone",
			"to":"020 794 6000","forwarded_from":"<sip:0655501234@pbx>;reason=no-answer;counter=1","timestamp":1764320400}`, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		got := decode[api.WebhookResponse](t, body)
		if got.Status != "stored" || got.Match != crm.MatchContact || got.DisplayName != "Martijn de Vries (Acme Logistiek BV)" {
			t.Fatalf("response = %+v", got)
		}
		// Committed before the 2xx: the store has it right away.
		call, err := ts.store.CallByRef(ctx, "c-1")
		if err != nil || call.Status != crm.CallRinging || call.CallingForID == 0 {
			t.Fatalf("stored call = %+v, %v", call, err)
		}
	})
	t.Run("DuplicateAnsweredTwiceStoredOnce", func(t *testing.T) {
		body := `{"call_id":"c-dup","event":"ringing","from":"0612345678"}`
		r1, b1 := ts.postCall(t, body, nil)
		r2, b2 := ts.postCall(t, body, nil)
		if r1.StatusCode != 200 || r2.StatusCode != 200 {
			t.Fatalf("statuses %d, %d", r1.StatusCode, r2.StatusCode)
		}
		if decode[api.WebhookResponse](t, b2).Status != "duplicate" || decode[api.WebhookResponse](t, b1).Status != "stored" {
			t.Fatalf("answers %s then %s", b1, b2)
		}
	})
	t.Run("SignedWithStandardWebhooks", func(t *testing.T) {
		body := []byte(`{"call_id":"c-signed","event":"ringing","from":"+31 20 794 6000"}`)
		now := time.Now()
		sig, err := api.SignStandardWebhook(testWebhookSecret, "msg_1", now, body)
		if err != nil {
			t.Fatal(err)
		}
		resp, out := ts.do(t, http.MethodPost, "/api/v1/webhooks/call", "application/json", body, map[string]string{
			"Authorization": "", "webhook-id": "msg_1", "webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": sig})
		if resp.StatusCode != http.StatusOK || decode[api.WebhookResponse](t, out).Match != crm.MatchOrganisation {
			t.Fatalf("signed webhook: %d %s", resp.StatusCode, out)
		}
		// The same signature on a changed body is refused.
		resp, _ = ts.do(t, http.MethodPost, "/api/v1/webhooks/call", "application/json",
			[]byte(strings.Replace(string(body), "c-signed", "c-forged", 1)), map[string]string{
				"Authorization": "", "webhook-id": "msg_1", "webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": sig})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("forged body: status %d, want 401", resp.StatusCode)
		}
		old := now.Add(-6 * time.Minute)
		oldSig, _ := api.SignStandardWebhook(testWebhookSecret, "msg_2", old, body)
		resp, _ = ts.do(t, http.MethodPost, "/api/v1/webhooks/call", "application/json", body, map[string]string{
			"Authorization": "", "webhook-id": "msg_2", "webhook-timestamp": strconv.FormatInt(old.Unix(), 10), "webhook-signature": oldSig})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("6-minute-old signature: status %d, want 401", resp.StatusCode)
		}
	})

	bad := []struct {
		name, body, contentType string
		headers                 map[string]string
		status                  int
		field                   string
	}{
		{"MalformedJSON", `{"call_id": "x", "event": `, "application/json", nil, 400, ""},
		{"MissingCallID", `{"event":"ringing","from":"0612345678"}`, "application/json", nil, 400, "call_id"},
		{"UnknownEvent", `{"call_id":"b1","event":"exploded","from":"0612345678"}`, "application/json", nil, 400, "event"},
		{"UnparseableNumber", `{"call_id":"b2","event":"ringing","from":"call me maybe"}`, "application/json", nil, 400, "from"},
		{"WrongType", `{"call_id":"b3","event":"ringing","from":612345678}`, "application/json", nil, 400, "from"},
		{"NoCredentials", `{"call_id":"b4","event":"ringing","from":"0612345678"}`, "application/json", map[string]string{"Authorization": ""}, 401, "authorization"},
		{"WrongToken", `{"call_id":"b5","event":"ringing","from":"0612345678"}`, "application/json", map[string]string{"Authorization": "Bearer cc_wrong"}, 401, "authorization"},
		{"BadSignature", `{"call_id":"b6","event":"ringing","from":"0612345678"}`, "application/json", map[string]string{"Authorization": "",
			"webhook-id": "m", "webhook-timestamp": strconv.FormatInt(time.Now().Unix(), 10), "webhook-signature": "v1,AAAA"}, 401, "webhook-signature"},
		{"WrongContentType", `call_id=b7&event=ringing`, "application/x-www-form-urlencoded", nil, 415, "content-type"},
		{"TooLarge", `{"call_id":"b8","event":"ringing","from":"0612345678","agent":"` + strings.Repeat("x", 70<<10) + `"}`, "application/json", nil, 413, ""},
	}
	for _, tt := range bad {
		t.Run("Rejects"+tt.name, func(t *testing.T) {
			before := len(mustCalls(t, ts))
			resp, body := ts.do(t, http.MethodPost, "/api/v1/webhooks/call", tt.contentType, []byte(tt.body), tt.headers)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			e := decode[api.ErrorBody](t, body)
			if e.Error == "" || e.Field != tt.field {
				t.Fatalf("error body %s, want field %q", body, tt.field)
			}
			if after := len(mustCalls(t, ts)); after != before {
				t.Fatalf("a rejected request stored a call (%d -> %d)", before, after)
			}
		})
	}
}

func mustCalls(t testing.TB, ts *testServer) []crm.Call {
	t.Helper()
	calls, err := ts.store.Calls(context.Background(), time.Time{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return calls
}

func TestLookup(t *testing.T) {
	ts := newTestServer(t)
	ts.seed(t)
	tests := []struct {
		name, query string
		status      int
		body        string // exact text body, or "" for JSON
		match       crm.Match
	}{
		{"JSONContact", "number=%2B31612345678", 200, "", crm.MatchContact},
		{"JSONUnknown", "number=0201234567", 200, "", crm.MatchUnknown},
		{"JSONWithheld", "number=anonymous", 200, "", crm.MatchWithheld},
		{"TextContact", "number=06-12345678&format=text", 200, "Martijn de Vries (Acme Logistiek BV)", ""},
		{"TextOrganisation", "number=0031207946000&format=text", 200, "Acme Logistiek BV", ""},
		{"TextUnknown", "number=0201234567&format=text", 404, "", ""},
		{"Garbage", "number=hello", 422, "", ""},
		{"MissingNumber", "", 400, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.do(t, http.MethodGet, "/api/v1/lookup?"+tt.query, "", nil, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			switch {
			case strings.Contains(tt.query, "format=text") && tt.status == 404:
				if len(body) != 0 {
					t.Fatalf("404 body %q, want empty", body)
				}
			case strings.Contains(tt.query, "format=text"):
				if string(body) != tt.body || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
					t.Fatalf("text answer %q (%s), want %q", body, resp.Header.Get("Content-Type"), tt.body)
				}
			case tt.match != "":
				got := decode[map[string]json.RawMessage](t, body)
				for _, k := range []string{"query", "number", "match", "display_name", "contact", "organisation", "candidates"} {
					if _, ok := got[k]; !ok {
						t.Errorf("answer lacks %q: %s", k, body)
					}
				}
				var m crm.Match
				_ = json.Unmarshal(got["match"], &m)
				if m != tt.match {
					t.Fatalf("match %q, want %q", m, tt.match)
				}
			}
		})
	}
	t.Run("NeedsToken", func(t *testing.T) {
		resp, _ := ts.do(t, http.MethodGet, "/api/v1/lookup?number=0612345678", "", nil, map[string]string{"Authorization": ""})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", resp.StatusCode)
		}
	})
	t.Run("TextTruncatedTo40", func(t *testing.T) {
		ctx := context.Background()
		org, err := ts.store.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Internationale Vereniging van Zeer Lange Namen"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ts.store.CreateContact(ctx, crm.ContactInput{OrganisationID: org.ID, Name: "Wilhelmina Hoogeveen",
			Numbers: []crm.NumberInput{{Raw: "0687654321"}}}); err != nil {
			t.Fatal(err)
		}
		_, body := ts.do(t, http.MethodGet, "/api/v1/lookup?number=0687654321&format=text", "", nil, nil)
		if n := len([]rune(string(body))); n != api.MaxDisplayName || !strings.HasPrefix(string(body), "Wilhelmina Hoogeveen (") {
			t.Fatalf("text %q is %d characters, want %d", body, n, api.MaxDisplayName)
		}
	})
}

func TestCallsAndCard(t *testing.T) {
	ts := newTestServer(t)
	ts.seed(t)
	ts.postCall(t, `{"call_id":"card-1","event":"ringing","from":"0612345678","forwarded_from":"+31655501234"}`, nil)
	ts.postCall(t, `{"call_id":"card-2","event":"ringing","from":"anonymous"}`, nil)

	resp, body := ts.do(t, http.MethodGet, "/api/v1/calls?limit=10", "", nil, nil)
	calls := decode[struct{ Calls []api.CallView }](t, body).Calls
	if resp.StatusCode != 200 || len(calls) != 2 || calls[0].ExternalID != "card-2" {
		t.Fatalf("calls %d: %s", resp.StatusCode, body)
	}
	resp, body = ts.do(t, http.MethodGet, "/api/v1/calls/card-1/card", "", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("card %d: %s", resp.StatusCode, body)
	}
	card := decode[api.CardView](t, body)
	if card.Match != crm.MatchContact || card.Contact.Name != "Martijn de Vries" || card.Organisation.YearsAsClient != 7 ||
		card.Organisation.AnnualValueEUR != "8400" || card.CallingFor == nil || card.CallingFor.Relation != "account manager" ||
		len(card.History) != 0 || card.Hints == nil { // the first call: its own entry is not history
		t.Fatalf("card = %s", body)
	}
	resp, _ = ts.do(t, http.MethodGet, "/api/v1/calls/nope/card", "", nil, nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown call: %d, want 404", resp.StatusCode)
	}
	resp, _ = ts.do(t, http.MethodGet, "/api/v1/calls?limit=abc", "", nil, nil)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad limit: %d, want 400", resp.StatusCode)
	}
}

func TestEvents(t *testing.T) {
	ts := newTestServer(t)
	ts.seed(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	stream := ts.openStream(t, ctx, "")
	waitSubscribers(t, ts, 1)
	ts.postCall(t, `{"call_id":"ev-1","event":"ringing","from":"0612345678"}`, nil)
	ev := nextCall(t, stream)
	var live crm.LiveEvent
	if err := json.Unmarshal([]byte(ev.Data), &live); err != nil {
		t.Fatal(err)
	}
	if live.ExternalID != "ev-1" || live.DisplayName != "Martijn de Vries (Acme Logistiek BV)" || ev.ID != strconv.FormatInt(live.ID, 10) {
		t.Fatalf("event %+v / %+v", ev, live)
	}
	// Heartbeats keep idle streams open.
	waitHeartbeat(t, stream)
	cancel()

	// Two more calls while the screen is away; reconnecting resumes exactly.
	ts.postCall(t, `{"call_id":"ev-2","event":"ringing","from":"anonymous"}`, nil)
	ts.postCall(t, `{"call_id":"ev-2","event":"answered"}`, nil)
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	resumed := ts.openStream(t, ctx2, ev.ID)
	first, second := nextCall(t, resumed), nextCall(t, resumed)
	if !strings.Contains(first.Data, `"ringing"`) || !strings.Contains(second.Data, `"answered"`) ||
		!strings.Contains(first.Data, `"ev-2"`) {
		t.Fatalf("resumed with %+v then %+v", first, second)
	}
	ts.postCall(t, `{"call_id":"ev-3","event":"ringing","from":"0612345678"}`, nil)
	if third := nextCall(t, resumed); !strings.Contains(third.Data, `"ev-3"`) {
		t.Fatalf("live after resume: %+v", third)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	ts := newTestServer(t)
	resp, body := ts.do(t, http.MethodGet, "/healthz", "", nil, map[string]string{"Authorization": ""})
	if resp.StatusCode != 200 || !strings.Contains(string(body), "ok") {
		t.Fatalf("healthz %d %s", resp.StatusCode, body)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stream := ts.openStream(t, ctx, "")
	// Only a stream past its start gets the call as a live event, which
	// is what the delivery metric counts: one that reads its backlog as
	// the call is committed sends it from there.
	waitHeartbeat(t, stream)
	ts.postCall(t, `{"call_id":"m-1","event":"ringing","from":"anonymous"}`, nil)
	nextCall(t, stream)
	resp, _ = ts.do(t, http.MethodGet, "/metrics", "", nil, map[string]string{"Authorization": ""})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("metrics without token: %d, want 401", resp.StatusCode)
	}
	// The screen's delivery is counted just after the flush that sent it.
	want := []string{`callcard_webhooks_total{outcome="stored",source="generic"} 1`,
		`callcard_recognitions_total{match="withheld"} 1`, "callcard_lookup_duration_seconds", "callcard_live_subscribers 1",
		`callcard_call_event_stage_seconds_count{stage="recognise"} 1`, `callcard_call_event_stage_seconds_count{stage="wait"} 1`, `callcard_call_event_stage_seconds_count{stage="commit"} 1`,
		`callcard_call_event_stage_seconds_count{stage="flush"} 1`, `callcard_call_event_group_size_count 1`,
		`callcard_live_event_delivery_seconds_count 1`}
	var missing []string
	for range 100 {
		resp, body = ts.do(t, http.MethodGet, "/metrics", "", nil, nil)
		missing = missing[:0]
		for _, w := range want {
			if !strings.Contains(string(body), w) {
				missing = append(missing, w)
			}
		}
		if len(missing) == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, w := range missing {
		t.Errorf("metrics lack %q", w)
	}
	// Flushes to disk: the token, the webhook and whatever was audited were
	// flushed, and the series reads the store's own count.
	var flushes uint64
	if _, err := fmt.Sscanf(metricLine(string(body), "callcard_disk_flushes_total"), "callcard_disk_flushes_total %d", &flushes); err != nil {
		t.Errorf("metrics lack callcard_disk_flushes_total: %v", err)
	} else if now := ts.store.DiskFlushes(); flushes < 2 || flushes > now {
		t.Errorf("callcard_disk_flushes_total %d; want at least 2 (the token and the webhook), at most the store's %d", flushes, now)
	}
	cancel()
	waitSubscribers(t, ts, 0)
	resp, body = ts.do(t, http.MethodGet, "/metrics", "", nil, nil)
	if !strings.Contains(string(body), "callcard_live_subscribers 0") {
		t.Error("metrics lack callcard_live_subscribers 0 once the screen left")
	}
}

// waitSubscribers waits until n screens listen, so an event posted next
// can't race the subscription.
func waitSubscribers(t testing.TB, ts *testServer, n int) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if ts.hub.Count() == n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%d subscribers, want %d", ts.hub.Count(), n)
}

// metricLine is the line of body that begins with name and a space, or "".
func metricLine(body, name string) string {
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, name+" ") {
			return l
		}
	}
	return ""
}
