//! Work spread over the machine's cores, results kept in input order so that output stays
//! deterministic.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Below this many items a single thread is faster than starting others.
const MIN_ITEMS_PER_THREAD: usize = 16;

/// Blocks per thread that [`map`] cuts its items into: a thread that is slowed (by a larger
/// file, or by the machine) leaves the blocks it has not begun to the others.
const BLOCKS_PER_THREAD: usize = 8;

/// `items.iter().map(f).collect()`, computed on up to one thread per core.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let threads = cores.min(items.len() / MIN_ITEMS_PER_THREAD).max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let block = (items.len() / (threads * BLOCKS_PER_THREAD)).max(MIN_ITEMS_PER_THREAD);
    let blocks: Vec<&[T]> = items.chunks(block).collect();
    let mapped = map_jobs(&blocks, |block| block.iter().map(&f).collect::<Vec<R>>());
    let mut results = Vec::with_capacity(items.len());
    for part in mapped {
        results.extend(part);
    }
    results
}

/// `items.iter().map(f).collect()` for a few jobs of uneven size (every target of every
/// environment): each thread takes the next job when it is done with one.
pub fn map_jobs<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let threads = cores.min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let (f, next) = (&f, &next);
    let work = move || {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            out.push((i, f(item)));
        }
        out
    };
    let mut done: Vec<(usize, R)> = thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        // The calling thread works too.
        let mut done = work();
        for handle in handles {
            done.extend(joined(handle));
        }
        done
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// What a worker returned. A panic in a worker is a bug: it goes on in the caller as the same
/// panic.
fn joined<R>(handle: thread::ScopedJoinHandle<'_, R>) -> R {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_order_of_the_items() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(
            map(&items, |i| i * 2),
            items.iter().map(|i| i * 2).collect::<Vec<_>>()
        );
        assert_eq!(map(&[] as &[u32], |i| *i), Vec::<u32>::new());
    }

    #[test]
    fn jobs_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..37).collect();
        // Uneven work, so that threads finish out of order.
        let uneven = |i: &u64| {
            let spins = (i % 5) * 20_000;
            (0..spins).for_each(|n| {
                std::hint::black_box(n);
            });
            *i
        };
        assert_eq!(map_jobs(&items, uneven), items);
        assert_eq!(map_jobs(&[] as &[u32], |i| *i), Vec::<u32>::new());
    }
}
