package crm

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultRecognitionCacheSize is how many recently recognised numbers a
// Store remembers unless Config.RecognitionCache says otherwise.
const DefaultRecognitionCacheSize = 4096

// recognitionTrust is how long a remembered recognition is used without
// asking the database. A change made through this Store applies at once;
// one made by another process on the same file (callcard import beside a
// running server) within recognitionTrust.
const recognitionTrust = time.Second

// recognitionCache remembers who is behind recently recognised numbers.
// One call asks the same question up to three times within a second: the
// webhook recognises the caller, the desk phone looks the name up, the
// receptionist's screen opens the card. The webhook also asks who owns the
// number dialled and the one the call was forwarded from, the firm's own
// few lines, on every call.
//
// A remembered answer is used only while nothing has been committed
// through this Store that could change it: the write pool moves the
// generation on after every commit except those of call events, which
// write no table recognition reads. An answer is tagged with the
// generation read before its queries ran, so one that raced a commit is
// never used after that commit returns.
//
// Eviction is by two generations of maps, as the number normaliser's cache
// (phone/cache.go): at most twice size numbers are held.
type recognitionCache struct {
	size  int           // 0: remember nothing
	trust time.Duration // tests shorten it
	gen   atomic.Uint64

	mu         sync.Mutex
	young, old map[string]rememberedHolder
}

// rememberedHolder is a remembered answer: a recognition (for
// RecogniseNumber) or an employee, possibly nil (for EmployeeByNumber).
type rememberedHolder struct {
	gen      uint64
	until    time.Time // monotonic: the store's clock may be pinned by tests
	rec      Recognition
	employee *Employee
}

func newRecognitionCache(size int) *recognitionCache {
	switch {
	case size == 0:
		size = DefaultRecognitionCacheSize
	case size < 0:
		size = 0
	}
	return &recognitionCache{size: size, trust: recognitionTrust}
}

// generation is read before the queries whose answer put will remember.
func (c *recognitionCache) generation() uint64 { return c.gen.Load() }

// changed forgets every remembered answer; the write pool calls it after a
// commit.
func (c *recognitionCache) changed() { c.gen.Add(1) }

func (c *recognitionCache) get(key string) (rememberedHolder, bool) {
	if c.size == 0 {
		return rememberedHolder{}, false
	}
	gen := c.gen.Load()
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.young[key]
	if !ok {
		if h, ok = c.old[key]; ok {
			c.putLocked(key, h)
		}
	}
	if !ok || h.gen != gen || !time.Now().Before(h.until) {
		return rememberedHolder{}, false
	}
	return h, true
}

// put remembers h under key; gen is the generation read before h was
// worked out.
func (c *recognitionCache) put(key string, gen uint64, h rememberedHolder) {
	if c.size == 0 || gen != c.gen.Load() {
		return // already out of date
	}
	h.gen, h.until = gen, time.Now().Add(c.trust)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(key, h)
}

func (c *recognitionCache) putLocked(key string, h rememberedHolder) {
	if c.young == nil || len(c.young) >= c.size {
		c.old, c.young = c.young, make(map[string]rememberedHolder, c.size)
	}
	c.young[key] = h
}

// clone copies what r points at, so that a remembered recognition cannot be
// changed through the copy a caller gets.
func (r Recognition) clone() Recognition {
	r.Contact = r.Contact.clone()
	r.Organisation = r.Organisation.clone()
	r.Employee = r.Employee.clone()
	r.Range = clonePtr(r.Range)
	if r.Candidates != nil {
		cs := make([]Candidate, len(r.Candidates))
		for i, c := range r.Candidates {
			c.Contact = c.Contact.clone()
			c.Organisation = c.Organisation.clone()
			c.Employee = c.Employee.clone()
			cs[i] = c
		}
		r.Candidates = cs
	}
	return r
}

func (o *Organisation) clone() *Organisation {
	if o == nil {
		return nil
	}
	c := *o
	c.AccountManager = o.AccountManager.clone()
	c.Numbers, c.Ranges = slices.Clone(o.Numbers), slices.Clone(o.Ranges)
	return &c
}

func (ct *Contact) clone() *Contact {
	if ct == nil {
		return nil
	}
	c := *ct
	c.Numbers = slices.Clone(ct.Numbers)
	return &c
}

func (e *Employee) clone() *Employee {
	if e == nil {
		return nil
	}
	c := *e
	c.Numbers = slices.Clone(e.Numbers)
	return &c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}
