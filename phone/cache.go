package phone

import "sync"

// DefaultCacheSize is how many recently normalised inputs a Normaliser
// remembers unless Config.CacheSize says otherwise.
const DefaultCacheSize = 4096

// numberCache remembers the numbers of recent inputs. Parsing with
// libphonenumber costs 15-25 µs, and the same few strings come back all
// day: the company's own numbers as the trunk writes them, the staff
// mobiles calls are forwarded from, the clients who ring often. The result
// is a pure function of the input and the Normaliser's settings, so a
// remembered one is always right.
//
// Two generations approximate least-recently-used eviction without a list:
// inputs go into the young map; when it is full it becomes the old one and
// the previous old one is dropped; an input found in the old map moves back
// to the young one. At most twice size inputs are held.
type numberCache struct {
	mu         sync.Mutex
	size       int
	young, old map[string]Number
}

func newNumberCache(size int) *numberCache {
	return &numberCache{size: size, young: make(map[string]Number, size)}
}

func (c *numberCache) get(raw string) (Number, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.young[raw]; ok {
		return n, true
	}
	n, ok := c.old[raw]
	if ok {
		c.putLocked(raw, n)
	}
	return n, ok
}

func (c *numberCache) put(raw string, n Number) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(raw, n)
}

func (c *numberCache) putLocked(raw string, n Number) {
	if len(c.young) >= c.size {
		c.old, c.young = c.young, make(map[string]Number, c.size)
	}
	c.young[raw] = n
}
