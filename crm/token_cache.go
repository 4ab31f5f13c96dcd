package crm

import (
	"sync"
	"time"
)

// tokenTrust is how long a token the database accepted is accepted again
// without asking it. Every look-up and webhook carries a token, and asking
// cost a tenth of a look-up. A revocation made through this Store applies
// at once; one made by another process (callcard token revoke) within
// tokenTrust.
const tokenTrust = time.Second

// tokenCache remembers accepted tokens by hash. Refused secrets are never
// remembered, so guessing cannot fill it: it holds at most the live tokens.
type tokenCache struct {
	mu     sync.Mutex
	trust  time.Duration
	byHash map[string]trustedToken
}

type trustedToken struct {
	token APIToken
	until time.Time // monotonic: the store's clock may be pinned by tests
}

func (c *tokenCache) get(hash string) (APIToken, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.byHash[hash]
	if !ok || !time.Now().Before(t.until) {
		return APIToken{}, false
	}
	return t.token, true
}

func (c *tokenCache) put(hash string, t APIToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byHash == nil {
		c.byHash = map[string]trustedToken{}
	}
	now := time.Now()
	for h, old := range c.byHash {
		if !now.Before(old.until) {
			delete(c.byHash, h)
		}
	}
	trust := c.trust
	if trust == 0 {
		trust = tokenTrust
	}
	c.byHash[hash] = trustedToken{token: t, until: now.Add(trust)}
}

// forget drops every remembered token, after a revocation.
func (c *tokenCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.byHash)
}
