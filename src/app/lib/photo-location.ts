/**
 * Where a photo was taken, when the verifier allows it. The browser asks for permission at
 * the first photo; the answer is remembered here too, because some browsers (Safari on an
 * iPad) ask again in every session and a verifier who said no should not be asked at every
 * photo. A refused or unavailable location is never a reason to hold a photo back: the
 * photo is saved without one and says "Lokasi tidak direkam".
 */

const KEY = 'telusur.photoLocation';
/** Longest the save of a photo waits for a position, prompt included. */
const WAIT_MS = 20_000;

/** The verifier's remembered answer: allowed, refused, or not asked yet (null). */
export type LocationAnswer = 'allowed' | 'refused';

export interface PhotoPlace {
  location: { lat: number; lng: number } | null;
  /** Why there is no location: refused by the verifier, or none found in time / no GPS. */
  missing: 'refused' | 'unavailable' | null;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The remembered answer, or null before the first photo. */
export function locationAnswer(): LocationAnswer | null {
  const v = storage()?.getItem(KEY);
  return v === 'allowed' || v === 'refused' ? v : null;
}

function remember(answer: LocationAnswer | null): void {
  const s = storage();
  if (!s) return;
  if (answer) s.setItem(KEY, answer);
  else s.removeItem(KEY);
}

/**
 * The verifier changed their mind after refusing: forget the refusal, so the next photo
 * asks the browser again (which asks the verifier unless its own setting still blocks it).
 */
export function askLocationAgain(): void {
  remember(null);
}

/**
 * The position for a photo being saved now: asks the browser (its prompt on the first
 * photo), gives up after 20 s, and remembers a refusal. Never throws. Coordinates are kept
 * to 5 decimals (about a metre), all a reviewer needs to see the photo was taken on site.
 */
export async function locatePhoto(
  geo: Geolocation | undefined = typeof navigator === 'undefined'
    ? undefined
    : navigator.geolocation,
  waitMs = WAIT_MS,
): Promise<PhotoPlace> {
  if (locationAnswer() === 'refused') return { location: null, missing: 'refused' };
  if (!geo) return { location: null, missing: 'unavailable' };
  return new Promise<PhotoPlace>((resolve) => {
    let done = false;
    const finish = (place: PhotoPlace) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(place);
    };
    const timer = setTimeout(() => finish({ location: null, missing: 'unavailable' }), waitMs);
    try {
      geo.getCurrentPosition(
        (p) => {
          remember('allowed');
          const round = (x: number) => Math.round(x * 1e5) / 1e5;
          finish({
            location: { lat: round(p.coords.latitude), lng: round(p.coords.longitude) },
            missing: null,
          });
        },
        (e) => {
          // PERMISSION_DENIED is 1 in every browser (GeolocationPositionError constants).
          if (e.code === 1) {
            remember('refused');
            finish({ location: null, missing: 'refused' });
          } else finish({ location: null, missing: 'unavailable' });
        },
        { enableHighAccuracy: true, maximumAge: 120_000, timeout: Math.max(1000, waitMs - 2000) },
      );
    } catch {
      finish({ location: null, missing: 'unavailable' });
    }
  });
}
