package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callcard/callcard/crm"
)

// The load generators of `callcard bench`: the open-loop webhook sender,
// the live-event subscribers that time each event's arrival, and the
// closed-loop look-up clients.

// ---- the mix of callers ----

// callKind is who a benchmark call comes from.
type callKind uint8

const (
	kindContact     callKind = iota // a contact's mobile or direct line
	kindForwarded                   // the same, forwarded from an employee's mobile
	kindSwitchboard                 // a client's switchboard
	kindRange                       // an unassigned line in a client's direct-dial range
	kindEmployee                    // one of our own staff
	kindUnknown                     // nobody in the register
	kindWithheld                    // number withheld
	numKinds
)

var kindNames = [numKinds]string{"contact", "contact_forwarded", "switchboard", "number_range", "employee", "unknown", "withheld"}

// kindPercent is the share of calls from each kind: most calls come from
// people the firm knows, a fair number from switchboards and strangers.
var kindPercent = [numKinds]int{45, 15, 15, 8, 2, 10, 5}

// kindMatch is the recognition each kind should get.
var kindMatch = [numKinds]crm.Match{crm.MatchContact, crm.MatchContact, crm.MatchOrganisation, crm.MatchNumberRange,
	crm.MatchEmployee, crm.MatchUnknown, crm.MatchWithheld}

// benchDialled is the number every benchmark call rings: the firm's own
// 088 number, which no synthetic client uses.
const benchDialled = `"+31 88 123 4500"`

// callMix picks callers from numbers sampled from the register.
type callMix struct {
	seed    uint64
	raw     [numKinds][]string // as a telephone system writes them
	quoted  [numKinds][]string // the same as JSON strings
	forward []string           // employees' mobiles, JSON-quoted
}

// samplesPerKind is how many distinct numbers each kind draws from.
const samplesPerKind = 4096

func newCallMix(g *crm.Synthetic, seed int64) (*callMix, error) {
	m := &callMix{seed: uint64(seed)}
	m.raw[kindContact] = g.Samples(crm.MatchContact, samplesPerKind)
	m.raw[kindForwarded] = m.raw[kindContact]
	m.raw[kindSwitchboard] = g.Samples(crm.MatchOrganisation, samplesPerKind)
	m.raw[kindRange] = g.Samples(crm.MatchNumberRange, samplesPerKind)
	m.raw[kindEmployee] = g.Samples(crm.MatchEmployee, samplesPerKind)
	m.raw[kindUnknown] = g.Samples(crm.MatchUnknown, samplesPerKind)
	m.raw[kindWithheld] = g.Samples(crm.MatchWithheld, samplesPerKind)
	if len(m.raw[kindContact]) == 0 {
		return nil, errors.New("the synthetic register offers no contact numbers to call from")
	}
	for k := range numKinds {
		for _, s := range m.raw[k] {
			q, err := json.Marshal(s)
			if err != nil {
				return nil, err
			}
			m.quoted[k] = append(m.quoted[k], string(q))
		}
	}
	m.forward = m.quoted[kindEmployee]
	return m, nil
}

// mix64 is SplitMix64's finaliser: seq -> well-spread bits.
func mix64(z uint64) uint64 {
	z += 0x9E3779B97F4A7C15
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// pick chooses the caller of call seq: its kind and the index of its
// number in that kind's samples. A kind the register has no numbers for
// falls back to a contact.
func (m *callMix) pick(seq int) (callKind, int) {
	h := mix64(m.seed ^ uint64(seq)*0xD1B54A32D192ED03)
	p := int(h % 100)
	k := kindContact
	for i, pct := range kindPercent {
		if p < pct {
			k = callKind(i)
			break
		}
		p -= pct
	}
	if len(m.raw[k]) == 0 || k == kindForwarded && len(m.forward) == 0 {
		k = kindContact
	}
	return k, int((h >> 32) % uint64(len(m.raw[k])))
}

// appendWebhook appends the generic webhook body of ringing call seq.
func (m *callMix) appendWebhook(b []byte, seq int) ([]byte, callKind) {
	k, i := m.pick(seq)
	b = append(b, `{"call_id":"`...)
	b = appendCallID(b, seq)
	b = append(b, `","event":"ringing","from":`...)
	b = append(b, m.quoted[k][i]...)
	b = append(b, `,"to":`...)
	b = append(b, benchDialled...)
	if k == kindForwarded {
		b = append(b, `,"forwarded_from":`...)
		b = append(b, m.forward[i%len(m.forward)]...)
	}
	return append(b, '}'), k
}

// benchCallPrefix starts every benchmark call id; the sequence number follows.
const benchCallPrefix = "bench-"

func appendCallID(b []byte, seq int) []byte {
	return strconv.AppendInt(append(b, benchCallPrefix...), int64(seq), 10)
}

// lookupQueries are query strings for look-ups, alternately text and JSON,
// spread over the mix (forwarding means nothing to a look-up).
func (m *callMix) lookupQueries(n int) []string {
	out := make([]string, n)
	for q := range n {
		k, i := m.pick(1<<40 + q)
		format := "json"
		if q%2 == 0 {
			format = "text"
		}
		out[q] = "number=" + url.QueryEscape(m.raw[k][i]) + "&format=" + format
	}
	return out
}

// ---- the live-event subscribers ----

// sseSubscriber is one receptionist's screen: a real HTTP client reading
// /api/v1/events. It times each event by its call id against the moment
// the webhook was sent, and resumes with Last-Event-ID when the server
// drops it, as a browser does.
type sseSubscriber struct {
	got        []atomic.Uint32 // deliveries per call seq
	delivered  atomic.Int64    // distinct calls delivered
	hist       *latencyHist
	duplicates int64
	foreign    int64 // events that are not benchmark calls
	reconnects int64
	lastID     int64
	pendingID  int64
	err        error
}

// maxReconnects bounds how often one subscriber reconnects in one run.
const maxReconnects = 1000

func (s *sseSubscriber) run(ctx context.Context, client *http.Client, endpoint, token string, wl *webhookLoad, ready func()) {
	for {
		err := s.stream(ctx, client, endpoint, token, wl, ready)
		if ctx.Err() != nil {
			return
		}
		if s.reconnects >= maxReconnects {
			s.err = fmt.Errorf("gave up after %d reconnects: %w", s.reconnects, err)
			return
		}
		s.reconnects++
		select {
		case <-ctx.Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (s *sseSubscriber) stream(ctx context.Context, client *http.Client, endpoint, token string, wl *webhookLoad, ready func()) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	if s.lastID > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(s.lastID, 10))
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("events: %s", resp.Status)
	}
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		now := time.Since(wl.epoch)
		switch {
		case bytes.HasPrefix(line, []byte("data: ")):
			s.deliver(line, now, wl)
			s.lastID = s.pendingID
		case bytes.HasPrefix(line, []byte("id: ")):
			s.pendingID, _ = strconv.ParseInt(string(bytes.TrimSpace(line[4:])), 10, 64)
		case bytes.HasPrefix(line, []byte("retry:")):
			// The server subscribes before it writes this line, so from
			// here on no event can pass this screen by.
			if ready != nil {
				ready()
				ready = nil
			}
		}
	}
}

var externalIDKey = []byte(`"external_id":"` + benchCallPrefix)

// deliver notes the event in one data line, found by its call id.
func (s *sseSubscriber) deliver(line []byte, now time.Duration, wl *webhookLoad) {
	i := bytes.Index(line, externalIDKey)
	if i < 0 {
		s.foreign++
		return
	}
	seq := 0
	digits := 0
	for _, c := range line[i+len(externalIDKey):] {
		if c < '0' || c > '9' {
			break
		}
		seq = seq*10 + int(c-'0')
		digits++
	}
	if digits == 0 || seq >= len(s.got) {
		s.foreign++
		return
	}
	if s.got[seq].Add(1) > 1 {
		s.duplicates++
		return
	}
	if sent := wl.sentAt[seq].Load(); sent > 0 {
		s.hist.record(now - time.Duration(sent))
	}
	for seen := wl.lastSeen[seq].Load(); int64(now) > seen && !wl.lastSeen[seq].CompareAndSwap(seen, int64(now)); {
		seen = wl.lastSeen[seq].Load()
	}
	s.delivered.Add(1)
}

// ---- the webhook sender ----

// webhookLoad sends ringing webhooks open-loop: calls are due at a fixed
// rate from the start whatever the server does, and a bounded pool of
// workers sends them. A call not sent before the duration ends is not sent.
type webhookLoad struct {
	client   *http.Client
	endpoint string
	token    string
	mix      *callMix
	rate     int
	duration time.Duration
	workers  int

	epoch  time.Time
	sentAt []atomic.Int64  // ns since epoch just before the request went out; 0 = never sent
	status []atomic.Uint32 // HTTP status; 0 = no answer
	// lastSeen is when the last screen to read each call's event read it,
	// in ns since epoch; 0 = no screen has.
	lastSeen []atomic.Int64
}

// maxSendLag is how late after its due time a call is still sent; a
// later one is counted as not sent, as is one the scheduler could not
// hand to a worker because the pool was a second behind.
const maxSendLag = time.Second

// webhookWorker is what one worker saw.
type webhookWorker struct {
	resp     latencyHist
	errors   int64
	skipped  int64
	maxLag   time.Duration
	outcome  [numKinds]map[string]int64
	firstErr string
}

func newWebhookLoad(client *http.Client, base, token string, mix *callMix, rate int, duration time.Duration, workers int) *webhookLoad {
	total := int(float64(rate) * duration.Seconds())
	return &webhookLoad{client: client, endpoint: base + "/api/v1/webhooks/call", token: token, mix: mix,
		rate: rate, duration: duration, workers: workers, epoch: time.Now(),
		sentAt: make([]atomic.Int64, total), lastSeen: make([]atomic.Int64, total), status: make([]atomic.Uint32, total)}
}

func (wl *webhookLoad) total() int { return len(wl.sentAt) }

// run sends every call due in the duration and returns once all answers
// are in. Each request is bounded by the client's timeout.
func (wl *webhookLoad) run(ctx context.Context) []*webhookWorker {
	interval := time.Second / time.Duration(wl.rate)
	jobs := make(chan int, max(wl.rate, 64)) // a second's worth: the schedule never waits on the pool
	start := time.Now()
	results := make([]*webhookWorker, wl.workers)
	var wg sync.WaitGroup
	for w := range wl.workers {
		results[w] = &webhookWorker{}
		wg.Go(func() { wl.work(ctx, results[w], jobs, start, interval) })
	}
	// A timer wakes the scheduler at each call's due time; everything due
	// by then goes out, so a late wake-up never lowers the rate.
	var dropped int64
	timer := time.NewTimer(0)
	defer timer.Stop()
	seq := 0
schedule:
	for seq < wl.total() {
		if wait := time.Until(start.Add(time.Duration(seq) * interval)); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				break schedule
			case <-timer.C:
			}
		}
		now := time.Now()
		for seq < wl.total() && !start.Add(time.Duration(seq)*interval).After(now) {
			select {
			case jobs <- seq:
			default:
				dropped++ // the pool is a second behind: counted as not sent
			}
			seq++
		}
	}
	close(jobs)
	wg.Wait()
	results[0].skipped += dropped + int64(wl.total()-seq)
	return results
}

func (wl *webhookLoad) work(ctx context.Context, r *webhookWorker, jobs <-chan int, start time.Time, interval time.Duration) {
	for k := range numKinds {
		r.outcome[k] = map[string]int64{}
	}
	body := make([]byte, 0, 512)
	answer := make([]byte, 4096)
	for seq := range jobs {
		// A call is sent however late its worker comes to it, up to
		// maxSendLag: the last call of a run, due 1 ms before its end, was
		// counted as not sent whenever the scheduler woke a moment late.
		lag := time.Since(start.Add(time.Duration(seq) * interval))
		if lag > maxSendLag || ctx.Err() != nil {
			r.skipped++
			continue
		}
		r.maxLag = max(r.maxLag, lag)
		var kind callKind
		body, kind = wl.mix.appendWebhook(body[:0], seq)
		// The transport may read a request body after Do returns, so each
		// request gets its own copy.
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, wl.endpoint, bytes.NewReader(bytes.Clone(body)))
		if err != nil {
			r.fail(err.Error())
			continue
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+wl.token)
		sent := time.Since(wl.epoch)
		wl.sentAt[seq].Store(int64(sent))
		resp, err := wl.client.Do(req)
		if err != nil {
			r.fail(err.Error())
			continue
		}
		n, _ := io.ReadFull(resp.Body, answer)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		r.resp.record(time.Since(wl.epoch) - sent)
		wl.status[seq].Store(uint32(resp.StatusCode))
		if resp.StatusCode/100 != 2 {
			r.fail(fmt.Sprintf("%s: %.200s", resp.Status, answer[:n]))
			continue
		}
		r.outcome[kind][string(jsonField(answer[:n], `"match":"`))]++
	}
}

func (r *webhookWorker) fail(msg string) {
	r.errors++
	if r.firstErr == "" {
		r.firstErr = msg
	}
}

// jsonField returns the text after key up to the next quote, or nothing.
func jsonField(b []byte, key string) []byte {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return nil
	}
	b = b[i+len(key):]
	if j := bytes.IndexByte(b, '"'); j >= 0 {
		return b[:j]
	}
	return nil
}

// ---- the look-up clients ----

// lookupRun is the outcome of one closed-loop look-up load.
type lookupRun struct {
	Clients   int            `json:"clients"`
	DurationS float64        `json:"duration_s"`
	Requests  int64          `json:"requests"`
	NotFound  int64          `json:"not_found"` // 404 answers: an unknown number in the text format
	Errors    int64          `json:"errors"`
	RPS       float64        `json:"requests_per_s"`
	Latency   latencySummary `json:"latency"`
	FirstErr  string         `json:"first_error,omitempty"`
}

// runLookups has clients closed-loop clients each send the next request as
// soon as the last is answered, for warm (not counted) and then d. Every
// request is built beforehand and reused, so the clients allocate next to
// nothing of their own.
func runLookups(ctx context.Context, client *http.Client, endpoint, token string, queries []string, clients int, warm, d time.Duration) (lookupRun, error) {
	type result struct {
		hist                     latencyHist
		requests, notFound, errs int64
		last                     time.Time
		firstErr                 string
	}
	const perClient = 256
	results := make([]*result, clients)
	reqs := make([][]*http.Request, clients)
	for c := range clients {
		results[c] = &result{}
		for q := range perClient {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"?"+queries[(c+q*clients)%len(queries)], nil)
			if err != nil {
				return lookupRun{}, err
			}
			req.Header.Set("Authorization", "Bearer "+token)
			reqs[c] = append(reqs[c], req)
		}
	}
	start := time.Now()
	measureFrom := start.Add(warm)
	end := measureFrom.Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		r := results[c]
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				t0 := time.Now()
				if !t0.Before(end) {
					return
				}
				resp, err := client.Do(reqs[c][i%perClient])
				counted := !t0.Before(measureFrom)
				if err != nil {
					if counted {
						r.errs++
						r.requests++
					}
					if r.firstErr == "" {
						r.firstErr = err.Error()
					}
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				t1 := time.Now()
				if !counted {
					continue
				}
				r.requests++
				r.last = t1
				r.hist.record(t1.Sub(t0))
				switch {
				case resp.StatusCode == http.StatusNotFound:
					r.notFound++
				case resp.StatusCode/100 != 2:
					r.errs++
					if r.firstErr == "" {
						r.firstErr = resp.Status
					}
				}
			}
		})
	}
	wg.Wait()
	out := lookupRun{Clients: clients}
	var all latencyHist
	last := end
	for _, r := range results {
		all.merge(&r.hist)
		out.Requests += r.requests
		out.NotFound += r.notFound
		out.Errors += r.errs
		if r.last.After(last) {
			last = r.last
		}
		if out.FirstErr == "" {
			out.FirstErr = r.firstErr
		}
	}
	elapsed := last.Sub(measureFrom)
	out.DurationS = elapsed.Seconds()
	if elapsed > 0 {
		out.RPS = float64(out.Requests-out.Errors) / elapsed.Seconds()
	}
	out.Latency = all.summary()
	return out, ctx.Err()
}
