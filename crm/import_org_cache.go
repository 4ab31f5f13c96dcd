package crm

// importOrgCacheSize is how many organisations a contacts import remembers
// in each of its cache's two generations. A register of up to 8,192
// organisations is remembered whole, in whatever order the file lists
// them; a larger one is fastest from a file that lists an organisation's
// rows together, as export writes them. Before the cache was bounded, the
// import held every organisation of the register and of the file: at
// 1,000,000 contacts (257,385 organisations), 75 MB of Go heap live at the
// end, and the heap peaked at 190 MB against 60 MB now.
const importOrgCacheSize = 8192

// importOrgCache remembers what a contacts import knows of the
// organisations it wrote lately, so that the rows of one organisation
// write it once and leave it alone while they repeat its values. It bounds
// memory, not correctness: an organisation not remembered is read from
// the register, or inserted if the register can't hold it
// (contactImport.known), and updated with what the row gives
// (contactImport.write).
//
// Eviction is by two generations of maps, as the number normaliser's cache
// (phone/cache.go): at most twice size organisations are held. Only the
// importing goroutine uses it.
type importOrgCache struct {
	size       int
	young, old map[string]*orgState
}

func newImportOrgCache(size int) *importOrgCache {
	return &importOrgCache{size: max(size, 1), young: make(map[string]*orgState)}
}

// get returns the remembered state of the organisation with name key k,
// nil if it is not remembered.
func (c *importOrgCache) get(k string) *orgState {
	if o := c.young[k]; o != nil {
		return o
	}
	o := c.old[k]
	if o != nil {
		c.put(k, o)
	}
	return o
}

// put remembers o as the state of the organisation with name key k.
func (c *importOrgCache) put(k string, o *orgState) {
	if len(c.young) >= c.size {
		c.old, c.young = c.young, make(map[string]*orgState, c.size)
	}
	c.young[k] = o
}

// forget drops the organisation with name key k, from both generations.
func (c *importOrgCache) forget(k string) {
	delete(c.young, k)
	delete(c.old, k)
}
