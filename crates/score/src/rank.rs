//! Cross-sectional transforms: winsorising and percentile ranks.
//!
//! Ties get the average of the ranks they span, so two identical values always
//! share one percentile and the result does not depend on input order. With `n`
//! values the percentile of average rank `r` (1-based) is `100 (r - 1) / (n - 1)`:
//! the lowest value is 0, the highest 100, and a group of one sits at 50.

/// The `q`-quantile of sorted values, linearly interpolated (numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

/// Clips every present value to the `[lower, upper]` quantiles of the present values.
pub fn winsorise(values: &mut [Option<f64>], lower: f64, upper: f64) {
    let mut present: Vec<f64> = values.iter().flatten().copied().collect();
    present.sort_by(f64::total_cmp);
    let (Some(lo), Some(hi)) = (quantile(&present, lower), quantile(&present, upper)) else { return };
    for v in values.iter_mut().flatten() {
        *v = v.clamp(lo, hi);
    }
}

/// Average ranks (1-based; ties share the mean of the ranks they span).
pub fn average_ranks(xs: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut out = vec![0.0; xs.len()];
    let mut k = 0;
    while k < idx.len() {
        let end = k + idx[k..].iter().take_while(|&&i| xs[i] == xs[idx[k]]).count();
        let avg = (k + 1 + end) as f64 / 2.0;
        for &i in &idx[k..end] {
            out[i] = avg;
        }
        k = end;
    }
    out
}

/// Percentile (0..=100) of each present value among the present values of its
/// group. `groups[i]` names the group of `values[i]`.
pub fn group_percentiles<G: Ord + Copy>(values: &[Option<f64>], groups: &[G]) -> Vec<Option<f64>> {
    let mut members: std::collections::BTreeMap<G, Vec<usize>> = Default::default();
    for (i, v) in values.iter().enumerate() {
        if v.is_some() {
            members.entry(groups[i]).or_default().push(i);
        }
    }
    let mut out = vec![None; values.len()];
    for idx in members.values() {
        let n = idx.len();
        let vals: Vec<f64> = idx.iter().map(|&i| values[i].expect("present")).collect();
        for (&i, r) in idx.iter().zip(average_ranks(&vals)) {
            out[i] = Some(if n == 1 { 50.0 } else { 100.0 * (r - 1.0) / (n - 1) as f64 });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ranks_with_ties_and_groups() {
        let v = [Some(3.0), Some(1.0), None, Some(3.0), Some(2.0), Some(10.0)];
        let g = [0, 0, 0, 0, 0, 1];
        let p = group_percentiles(&v, &g);
        // Group 0: 1 -> 0, 2 -> 50, the two 3s share ranks 3 and 4 -> 100*(3.5-1)/3.
        assert_eq!(p[1], Some(0.0));
        assert_eq!(p[4], Some(100.0 / 3.0));
        assert_eq!(p[0], Some(250.0 / 3.0));
        assert_eq!(p[0], p[3]);
        assert_eq!(p[2], None);
        assert_eq!(p[5], Some(50.0), "a group of one sits in the middle");
    }

    #[test]
    fn all_tied_is_the_middle() {
        let p = group_percentiles(&[Some(1.0), Some(1.0)], &[0, 0]);
        assert_eq!(p, vec![Some(50.0), Some(50.0)]);
    }

    #[test]
    fn winsorise_clips_to_quantiles() {
        let mut v: Vec<Option<f64>> = (0..=100).map(|x| Some(x as f64)).collect();
        v.push(Some(1e9));
        v.push(None);
        winsorise(&mut v, 0.01, 0.99);
        assert_eq!(v[0], Some(1.01));
        assert!(v[101].unwrap() < 1e9);
        assert_eq!(v[102], None);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
    }

    proptest! {
        #[test]
        fn percentiles_span_0_to_100_and_ignore_order(xs in proptest::collection::vec(-1e6f64..1e6, 2..60)) {
            let v: Vec<Option<f64>> = xs.iter().map(|x| Some(*x)).collect();
            let g = vec![0u8; v.len()];
            let p = group_percentiles(&v, &g);
            let distinct = { let mut s = xs.clone(); s.sort_by(f64::total_cmp); s.dedup(); s.len() };
            let min = p.iter().flatten().copied().fold(f64::INFINITY, f64::min);
            let max = p.iter().flatten().copied().fold(f64::NEG_INFINITY, f64::max);
            if distinct > 1 {
                prop_assert!(min >= 0.0 && max <= 100.0);
                prop_assert!(max > min);
            }
            let mut rev_v = v.clone();
            rev_v.reverse();
            let mut rev_p = group_percentiles(&rev_v, &g);
            rev_p.reverse();
            prop_assert_eq!(p, rev_p);
        }
    }
}
