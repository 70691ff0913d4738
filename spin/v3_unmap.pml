/*
 * spin/v3_unmap.pml: rmapcheck's own Promela model of the scenarios
 * scenarios/unmap-direct.json, unmap-one-desc.json and unmap-two-descs.json
 * (CONFIG 0, 1, 2), for the side-by-side of docs/exhaustive.md
 * (`npm run bench -- spin`, bench/spin.ts). Written for this repository
 * from docs/ and impl/ (impl/invalid_rmap.ts, impl/pte_list_clear_concurrently.ts,
 * impl/spte.ts, impl/mmu_page.ts); kernel names are kept in the comments.
 *
 * The problem is the one the scenarios pose, shape for shape:
 *   - one invalid rmap (the slot's DELETE has begun: invalid_rmap_ops) of
 *     NSPTE sptes; each spte lives in its own shadow page, as in the kernel,
 *     where one page maps a gfn once (quadrants 0..3 in the scenarios);
 *   - the rmap's list as pte_list_add builds it: CONFIG 0 the head is S0;
 *     CONFIG 1 one desc {S0, S1}; CONFIG 2 descs {S0, S1, S2} -> {S3};
 *   - the spte values the scenarios' set-ups leave (P present, W writable,
 *     A accessed, D dirty, MW host- and mmu-writable): S0 P|W|A|MW,
 *     S1 P|A, S2 P|A|MW, S3 P|A|D|MW. Volatile (spte_has_volatile_bits,
 *     cleared by xchg): MW set, or present and (not A, or W and not D).
 *
 * Processes (the scenarios' threads, same roles):
 *   Unmapper  U  kvm_unmap_invalid_rmapp_nolock: being_unmapped_rmap = rmapp;
 *                smp_mb; __kvm_unmap_invalid_rmapp without mmu_lock (one
 *                pass, SKIP entries skipped, an entry reset only by the clearer
 *                that saw the spte present); smp_mb; being_unmapped_rmap = NULL.
 *   Zapper    Z  mmu_shrink under mmu_lock: kvm_mmu_prepare_zap_page of S0's
 *                page, i.e. mmu_page_zap_pte on every spte of that page (S0 is
 *                its only present spte): drop_spte ->
 *                mmu_spte_clear_track_bits, and if it was present
 *                invalid_rmap_remove (pte_list_clear_concurrently, then the
 *                handshake: spin while being_unmapped_rmap == rmapp); then
 *                kvm_mmu_commit_zap_page frees the page.
 *   Notifier  N  kvm_unmap_hva_range under mmu_lock: invalid_rmap_ops'
 *                rmap_unmap = kvm_unmap_invalid_rmapp, the same walk as U; it
 *                frees nothing and does not wait.
 *   Hardware  H  only with HW_ANY: a CPU that may set A on any present spte,
 *                D on a present writable one, and fast_page_fault's cmpxchg
 *                of W on a present mmu-writable one, at any time (at most
 *                HW_STEPS such accesses). Without HW_ANY (the default) H is
 *                absent: in v3, after the DELETE's kvm_reload_remote_mmus no
 *                vCPU reaches an obsolete page (the scenarios' hardware thread
 *                runs a page walk and fast_page_fault that find nothing).
 *   init         builds the rmap, runs the processes, and at the end checks
 *                INV_COMPLETE and INV_AD.
 *
 * Checks (assertions named by a hidden constant, so pan's "assertion
 * violated" line names the invariant):
 *   INV_SP_LIVE   no access to a freed page's spte, and (checked when the
 *                 page is freed) no rmap entry still names one of its sptes
 *   INV_DEREF     only real spte addresses are dereferenced (not SKIP)
 *   INV_NO_CLOBBER an entry is reset to SKIP only from its spte or SKIP
 *   INV_NO_MOVE   an invalid rmap's words only ever change to SKIP (the
 *                 remove-only discipline of invalid rmaps)
 *   INV_COMPLETE  at the end: no present spte, no entry naming an spte
 *   INV_AD        at the end: every A and D bit that was set was handed to
 *                 kvm_set_pfn_accessed / kvm_set_pfn_dirty
 *
 * Memory model: sequential consistency; one shared-word access per atomic
 * step (local computation folded into the step with its access).
 *
 * Switches (spin -DNAME[=value]):
 *   CONFIG=0|1|2       the rmap's shape (above); default 0
 *   HANDSHAKE=0|1      the being_unmapped_rmap handshake of v3 (default 1)
 *   WAIT_BEFORE_FREE   fix F1: kvm_mmu_commit_zap_page spins until
 *                      being_unmapped_rmap == NULL before freeing
 *   CLEAR_CMPXCHG      pte_list_clear_concurrently resets the entry with
 *                      cmpxchg(entry, spte, SKIP) (design v3-skip-cmpxchg)
 *   NO_SKIP_CHECK      mutant M1: the walk does not skip SKIP entries
 *   NORMAL_REMOVE      mutant M2: invalid_rmap_remove is pte_list_remove
 *                      (back-fill); modelled up to its first store into the
 *                      rmap, which INV_NO_MOVE rejects
 *   FAST_CLEAR_ALWAYS  mutant M5: mmu_spte_clear_track_bits always clears
 *                      by load + store, even when the spte is volatile
 *   HW_ANY             run H (above); HW_STEPS=n its accesses (default 2)
 *   NOTIFIER=0|1       run N (default 1)
 *
 * The designs and mutants of rmapcheck these switches stand for are in
 * docs/exhaustive.md ("The SPIN model and ours").
 */

#ifndef CONFIG
#define CONFIG 0
#endif
#ifndef HANDSHAKE
#define HANDSHAKE 1
#endif
#ifndef NOTIFIER
#define NOTIFIER 1
#endif
#ifndef HW_STEPS
#define HW_STEPS 2
#endif

#define EXT 3                          /* PTE_LIST_EXT */
#if CONFIG == 0
#define NSPTE 1
#elif CONFIG == 1
#define NSPTE 2
#else
#define NSPTE 4
#endif
#define NDESC 2

/* Words of the rmap: 0 NULL; k+1 the address of spte k; DESC+d desc d | 1; SKIP. */
#define NIL   0
#define DESC  16
#define SKIP  250                      /* PTE_LIST_SPTE_SKIP */
#define RMAPP 1                        /* this rmap's address, for being_unmapped_rmap */
#define isDesc(w) ((w) >= DESC && (w) < DESC + NDESC)
#define isSpte(w) ((w) >= 1 && (w) <= NSPTE)

#define P  1
#define W  2
#define A  4
#define D  8
#define MW 16
#define volatileSpte(v) (((v) & MW) != 0 || (((v) & P) != 0 && (((v) & A) == 0 || (((v) & W) != 0 && ((v) & D) == 0))))

byte head;                             /* *rmapp */
byte entry[NDESC * EXT];               /* desc d's sptes[i] at d * EXT + i */
byte more[NDESC];                      /* desc d's more: 0 NULL, else d' + 1 */
byte spte[NSPTE];                      /* spte k, in shadow page k */
bool pageFreed[NSPTE];                 /* kvm_mmu_free_page of page k */
bool mmu_lock;
byte being_unmapped_rmap;              /* kvm->arch.being_unmapped_rmap */
bool aSet[NSPTE];                      /* ghost: A was set while present */
bool dSet[NSPTE];                      /* ghost: D was set while present */
bool aTold[NSPTE];                     /* ghost: kvm_set_pfn_accessed called */
bool dTold[NSPTE];                     /* ghost: kvm_set_pfn_dirty called */

hidden byte INV_SP_LIVE = 1;
hidden byte INV_DEREF = 1;
hidden byte INV_NO_CLOBBER = 1;
hidden byte INV_NO_MOVE = 1;
hidden byte INV_COMPLETE = 1;
hidden byte INV_AD = 1;

#define live(k) assert(INV_SP_LIVE && !pageFreed[k])

/* mmu_spte_clear_track_bits(sptep): clear the spte; true if it was present.
 * The caller declares: byte k, old; bool was. */
inline clearTrackBits(sptep)
{
	atomic { assert(INV_DEREF && isSpte(sptep)); k = sptep - 1; live(k); old = spte[k] }  /* old_spte = *sptep */
#ifdef FAST_CLEAR_ALWAYS
	atomic { live(k); spte[k] = 0 }                              /* __update_clear_spte_fast */
#else
	if
	:: !volatileSpte(old) -> atomic { live(k); spte[k] = 0 }     /* __update_clear_spte_fast */
	:: else -> atomic { live(k); old = spte[k]; spte[k] = 0 }    /* __update_clear_spte_slow: xchg */
	fi;
#endif
	atomic {
		was = ((old & P) != 0);                                  /* is_rmap_spte(old_spte) */
		if :: was && (old & A) != 0 -> aTold[k] = 1 :: else -> skip fi;   /* kvm_set_pfn_accessed */
		if :: was && (old & D) != 0 -> dTold[k] = 1 :: else -> skip fi    /* kvm_set_pfn_dirty */
	}
}

/* One word of the rmap := SKIP. */
#ifdef CLEAR_CMPXCHG
#define resetWord(cell, sptep) if :: cell == sptep -> cell = SKIP :: else -> skip fi
#else
#define resetWord(cell, sptep) assert(INV_NO_CLOBBER && (cell == sptep || cell == SKIP)); cell = SKIP
#endif

/* pte_list_clear_concurrently(sptep, rmapp): the word holding sptep := SKIP;
 * entries never move and nothing is freed. Declares: byte w, d, i, v. */
inline clearConcurrently(sptep)
{
	w = head;                                                    /* load *pte_list */
	if
	:: w == sptep -> atomic { resetWord(head, sptep) }           /* *pte_list = SKIP */
	:: isDesc(w) ->
		d = w - DESC; i = 0;
		do
		:: i < EXT ->
			v = entry[d * EXT + i];                              /* load desc->sptes[i] */
			if
			:: v == sptep -> atomic { resetWord(entry[d * EXT + i], sptep) }; break
			:: v == NIL -> break                                 /* not found */
			:: else -> i++
			fi
		:: i == EXT ->
			v = more[d];                                         /* desc = desc->more */
			if :: v != 0 -> d = v - 1; i = 0 :: else -> break fi
		od
	:: else -> skip
	fi
}

#if HANDSHAKE
#define handshakeWait() (being_unmapped_rmap != RMAPP)       /* smp_mb; spin while == rmapp */
#else
#define handshakeWait() skip
#endif

/* invalid_rmap_remove(spte, rmapp), or mutant M2's pte_list_remove. */
inline rmapRemove(sptep)
{
#ifdef NORMAL_REMOVE
	/* pte_list_remove: the direct form stores NULL, a desc back-fills
	 * sptes[i] from its last entry: either store leaves a word that is not
	 * SKIP in an invalid rmap. */
	w = head;
	assert(INV_NO_MOVE && !(w == sptep || isDesc(w)));
#else
	clearConcurrently(sptep);
	handshakeWait();
#endif
}

/* The walk of __kvm_unmap_invalid_rmapp: rmap_get_first / rmap_get_next over
 * the head loaded once. Declares: byte h, d, i, e, k, old, w, d2, i2, v; bool was. */
inline unmapInvalidRmapp()
{
	h = head;                                                    /* load *rmapp */
	if
	:: h == NIL -> skip
	:: isDesc(h) ->
		d = h - DESC; i = 0;
		do
		:: i < EXT ->
			e = entry[d * EXT + i];                              /* rmap_get_next: desc->sptes[i] */
			if
			:: e == NIL -> break
			:: else ->
				unmapEntry(e);
				i++
			fi
		:: i == EXT ->
			e = more[d];                                         /* iter->desc->more */
			if :: e != 0 -> d = e - 1; i = 0 :: else -> break fi
		od
	:: else -> e = h; unmapEntry(e)                              /* the direct form */
	fi
}

/* __kvm_unmap_invalid_spte: skip SKIP; clear; reset the entry if it was present. */
inline unmapEntry(sptep)
{
#ifndef NO_SKIP_CHECK
	if
	:: sptep == SKIP -> skip
	:: else ->
#endif
		clearTrackBits(sptep);
		if
		:: was -> d2 = d; i2 = i; clearConcurrentlyFrom(sptep); d = d2; i = i2
		:: else -> skip
		fi
#ifndef NO_SKIP_CHECK
	fi
#endif
}

/* clearConcurrently with its own locals, for use inside the walk. */
inline clearConcurrentlyFrom(sptep)
{
	clearConcurrently(sptep)
}

proctype Unmapper()
{
	byte h, d, i, e, k, old, w, d2, i2, v;
	bool was;
#if HANDSHAKE
	being_unmapped_rmap = RMAPP;                                 /* being_unmapped_rmap = rmapp; smp_mb */
#endif
	unmapInvalidRmapp();
#if HANDSHAKE
	being_unmapped_rmap = NIL                                    /* smp_mb; being_unmapped_rmap = NULL */
#endif
}

proctype Notifier()
{
	byte h, d, i, e, k, old, w, d2, i2, v;
	bool was;
	atomic { !mmu_lock -> mmu_lock = 1 };                        /* spin_lock(&kvm->mmu_lock) */
	unmapInvalidRmapp();                                         /* kvm_handle_hva_range -> rmap_unmap */
	mmu_lock = 0                                                 /* spin_unlock */
}

proctype Zapper()
{
	byte k, old, w, d, i, v, cur;
	bool was;
	atomic { !mmu_lock -> mmu_lock = 1 };                        /* mmu_shrink: spin_lock(&kvm->mmu_lock) */
	atomic { live(0); cur = spte[0] };                           /* mmu_page_zap_pte: load *spte */
	if
	:: (cur & P) != 0 ->
		clearTrackBits(1);                                       /* drop_spte */
		if :: was -> rmapRemove(1) :: else -> skip fi
	:: else -> skip
	fi;
#ifdef WAIT_BEFORE_FREE
	(being_unmapped_rmap == NIL);                                /* kvm_mmu_commit_zap_page: spin until NULL */
#endif
	atomic {                                                     /* kvm_mmu_free_page: no entry may name S0 */
		assert(INV_SP_LIVE && head != 1);
		d = 0;
		do
		:: d < NDESC * EXT -> assert(INV_SP_LIVE && entry[d] != 1); d++
		:: else -> break
		od;
		pageFreed[0] = 1
	};
	mmu_lock = 0                                                 /* spin_unlock */
}

#ifdef HW_ANY
proctype Hardware()
{
	byte k, n, v, what;
	do
	:: n == HW_STEPS -> break
	:: n < HW_STEPS ->
		select(k : 0 .. NSPTE - 1);
		select(what : 0 .. 2);
		if
		:: what == 0 ->                                          /* a page walk sets A */
			atomic { if :: !pageFreed[k] && (spte[k] & P) -> spte[k] = spte[k] | A; aSet[k] = 1 :: else -> skip fi }
		:: what == 1 ->                                          /* a write sets A and D */
			atomic { if :: !pageFreed[k] && (spte[k] & (P | W)) == (P | W) -> spte[k] = spte[k] | A | D; aSet[k] = 1; dSet[k] = 1 :: else -> skip fi }
		:: what == 2 ->                                          /* fast_page_fault: load, then cmpxchg W in */
			v = spte[k];
			atomic { if :: !pageFreed[k] && spte[k] == v && (v & (P | MW)) == (P | MW) && (v & W) == 0 -> spte[k] = v | W :: else -> skip fi }
		fi;
		n++
	od
}
#endif

init {
	byte k;
	atomic {
#if CONFIG == 0
		spte[0] = P | W | A | MW;
		head = 1;
#elif CONFIG == 1
		spte[0] = P | W | A | MW; spte[1] = P | A;
		entry[0] = 1; entry[1] = 2;
		head = DESC + 0;
#else
		spte[0] = P | W | A | MW; spte[1] = P | A; spte[2] = P | A | MW; spte[3] = P | A | D | MW;
		entry[0] = 1; entry[1] = 2; entry[2] = 3; more[0] = 2;
		entry[EXT] = 4;
		head = DESC + 0;
#endif
		k = 0;
		do
		:: k < NSPTE -> aSet[k] = ((spte[k] & A) != 0); dSet[k] = ((spte[k] & D) != 0); k++
		:: else -> break
		od;
		run Unmapper();
		run Zapper();
#if NOTIFIER
		run Notifier();
#endif
#ifdef HW_ANY
		run Hardware();
#endif
	}
	(_nr_pr == 1);                                               /* every process done */
	k = 0;
	do
	:: k < NSPTE ->
		assert(INV_COMPLETE && (pageFreed[k] || (spte[k] & P) == 0));
		assert(INV_AD && (!aSet[k] || aTold[k]) && (!dSet[k] || dTold[k]));
		k++
	:: else -> break
	od;
	assert(INV_COMPLETE && (head == NIL || head == SKIP || isDesc(head)));
	k = 0;
	do
	:: k < NDESC * EXT -> assert(INV_COMPLETE && !isSpte(entry[k])); k++
	:: else -> break
	od
}
