//! The statistics of a factor evaluation, each small enough to check by hand.

pub use alphadesk_score::rank::average_ranks as ranks;

/// Pearson correlation; `None` when either side has no variance.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() != y.len() || x.len() < 2 {
        return None;
    }
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Spearman rank correlation (Pearson of average ranks, as scipy computes it).
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson(&ranks(x), &ranks(y))
}

/// The mean; `None` of nothing.
pub fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Sample standard deviation (n - 1).
pub fn std(xs: &[f64]) -> Option<f64> {
    let m = mean(xs)?;
    (xs.len() > 1).then(|| (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt())
}

/// t-statistic of the mean with a Newey–West (Bartlett kernel) long-run variance
/// of `lags` lags. With overlapping forward returns neighbouring ICs are correlated
/// and the plain t-statistic overstates significance; `lags = 0` is the plain one
/// (with the population variance, as Newey–West defines it).
pub fn newey_west_t(xs: &[f64], lags: usize) -> Option<f64> {
    Some(mean(xs)? / newey_west_se(xs, lags)?)
}

/// Standard error of the mean by the Newey–West long-run variance of
/// [`newey_west_t`]: `None` under two values or with no variance.
pub fn newey_west_se(xs: &[f64], lags: usize) -> Option<f64> {
    let n = xs.len();
    let m = mean(xs)?;
    if n < 2 {
        return None;
    }
    let d: Vec<f64> = xs.iter().map(|x| x - m).collect();
    let gamma = |k: usize| d[k..].iter().zip(&d[..n - k]).map(|(a, b)| a * b).sum::<f64>() / n as f64;
    let mut lrv = gamma(0);
    for k in 1..=lags.min(n - 1) {
        lrv += 2.0 * (1.0 - k as f64 / (lags as f64 + 1.0)) * gamma(k);
    }
    (lrv > 0.0).then(|| (lrv / n as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_by_hand() {
        assert_eq!(ranks(&[10.0, 30.0, 20.0, 20.0]), vec![1.0, 4.0, 2.5, 2.5]);
        assert!((spearman(&[1.0, 2.0, 3.0, 4.0], &[10.0, 20.0, 30.0, 40.0]).unwrap() - 1.0).abs() < 1e-15);
        assert!((spearman(&[1.0, 2.0, 3.0, 4.0], &[4.0, 3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-15);
        // x = 1..5, y = 2,1,4,3,5: d^2 sum = 4, rho = 1 - 6*4/(5*24) = 0.8.
        assert!((spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]).unwrap() - 0.8).abs() < 1e-12);
        assert_eq!(spearman(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
    }

    #[test]
    fn newey_west_matches_hand_computation() {
        let xs = [0.1, 0.3, -0.1, 0.2];
        // mean 0.125; deviations -0.025, 0.175, -0.225, 0.075.
        let g0 = (0.025f64.powi(2) + 0.175f64.powi(2) + 0.225f64.powi(2) + 0.075f64.powi(2)) / 4.0;
        let g1 = (0.175 * -0.025 + -0.225 * 0.175 + 0.075 * -0.225) / 4.0;
        let t0 = 0.125 / (g0 / 4.0f64).sqrt();
        let t1 = 0.125 / ((g0 + 2.0 * 0.5 * g1) / 4.0f64).sqrt();
        assert!((newey_west_t(&xs, 0).unwrap() - t0).abs() < 1e-12);
        assert!((newey_west_t(&xs, 1).unwrap() - t1).abs() < 1e-12);
        assert!((newey_west_se(&xs, 0).unwrap() - (g0 / 4.0f64).sqrt()).abs() < 1e-15);
        assert_eq!(newey_west_se(&[0.1], 0), None);
        assert!((std(&[1.0, 2.0, 3.0]).unwrap() - 1.0).abs() < 1e-15);
    }
}
