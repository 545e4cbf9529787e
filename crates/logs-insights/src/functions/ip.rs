//! IP functions: validity, subnet membership, `ipv4ToNumber`, private/public/reserved.

use crate::value::Value;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

fn ip(v: &Value<'_>) -> Option<IpAddr> {
    v.text()?.trim().parse().ok()
}

pub(super) fn is_valid_ip<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    Value::Bool(ip(&args[0]).is_some())
}

pub(super) fn is_valid_ipv4<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    Value::Bool(matches!(ip(&args[0]), Some(IpAddr::V4(_))))
}

pub(super) fn is_valid_ipv6<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    Value::Bool(matches!(ip(&args[0]), Some(IpAddr::V6(_))))
}

/// Parses `addr/len` into a network address and prefix length.
fn cidr(v: &Value<'_>) -> Option<(IpAddr, u32)> {
    let t = v.text()?;
    let (addr, len) = t.trim().split_once('/')?;
    let addr: IpAddr = addr.parse().ok()?;
    let len: u32 = len.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    (len <= max).then_some((addr, len))
}

fn in_subnet(addr: IpAddr, (net, len): (IpAddr, u32)) -> bool {
    match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if len == 0 { 0 } else { u128::MAX << (128 - len) };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

fn subnet_test<'a>(args: &mut [Value<'a>], v4: Option<bool>) -> Value<'a> {
    let (Some(a), Some(net)) = (ip(&args[0]), cidr(&args[1])) else { return Value::Null };
    if v4.is_some_and(|want_v4| a.is_ipv4() != want_v4) {
        return Value::Bool(false);
    }
    Value::Bool(in_subnet(a, net))
}

/// `isIpInSubnet(ip, "10.0.0.0/8")`.
pub(super) fn is_ip_in_subnet<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    subnet_test(args, None)
}

pub(super) fn is_ipv4_in_subnet<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    subnet_test(args, Some(true))
}

pub(super) fn is_ipv6_in_subnet<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    subnet_test(args, Some(false))
}

/// `ipv4ToNumber(ip)`: the address as an unsigned 32-bit integer.
pub(super) fn ipv4_to_number<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    match ip(&args[0]) {
        Some(IpAddr::V4(a)) => Value::Int(u32::from(a) as i64),
        _ => Value::Null,
    }
}

fn private(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(a) => a.is_private(),
        IpAddr::V6(a) => (a.segments()[0] & 0xfe00) == 0xfc00,
    }
}

/// Special-purpose ranges (IANA registries) that are neither private nor public.
fn reserved(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(a) => {
            let o = a.octets();
            a.is_loopback()
                || a.is_link_local()
                || a.is_multicast()
                || a.is_broadcast()
                || a.is_documentation()
                || a.is_unspecified()
                || o[0] == 0
                || o[0] >= 240
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (18..20).contains(&o[1]))
        }
        IpAddr::V6(a) => {
            let s = a.segments();
            a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || a.to_ipv4_mapped().is_some_and(|v4| reserved(IpAddr::V4(v4)))
                || a == Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0)
        }
    }
}

pub(super) fn is_private_ip<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    ip(&args[0]).map_or(Value::Null, |a| Value::Bool(private(a)))
}

pub(super) fn is_reserved_ip<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    ip(&args[0]).map_or(Value::Null, |a| Value::Bool(reserved(a)))
}

pub(super) fn is_public_ip<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    ip(&args[0]).map_or(Value::Null, |a| Value::Bool(!private(a) && !reserved(a) && a != IpAddr::V4(Ipv4Addr::UNSPECIFIED)))
}
