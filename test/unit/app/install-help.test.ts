import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { installPlatform, runningInstalled } from '../../../src/app/components/InstallHelp';
import { translate } from '../../../src/app/i18n';
import { loadEnglish } from '../../../src/ui/i18n';

const UA = {
  ipadOs:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  oldIpad:
    'Mozilla/5.0 (iPad; CPU OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1',
  iphoneChrome:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0 Mobile/15E148 Safari/604.1',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  androidEdge:
    'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 EdgA/124.0',
  linuxChrome:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
};

// The tablet's English texts are a chunk the app loads after its first paint.
beforeAll(() => loadEnglish());

describe('which install steps a tablet is shown', () => {
  it('an iPad is told the Safari steps, also when iPadOS says it is a Mac', () => {
    expect(installPlatform(UA.ipadOs, 5)).toBe('ios');
    expect(installPlatform(UA.oldIpad, 5)).toBe('ios');
    expect(installPlatform(UA.iphoneChrome, 5)).toBe('ios');
  });

  it('a Mac without a touch screen is not taken for an iPad', () => {
    expect(installPlatform(UA.ipadOs, 0)).toBe('other');
  });

  it('an Android tablet is told the Chrome/Edge menu steps', () => {
    expect(installPlatform(UA.androidChrome, 10)).toBe('android');
    expect(installPlatform(UA.androidEdge, 10)).toBe('android');
  });

  it('a browser it cannot tell gets both tablets’ steps', () => {
    expect(installPlatform(UA.linuxChrome, 0)).toBe('other');
  });
});

describe('the install offer is for a browser tab only', () => {
  afterEach(() => vi.unstubAllGlobals());

  const browser = (standaloneDisplay: boolean, safariStandalone?: boolean) => {
    vi.stubGlobal('window', {
      matchMedia: (q: string) => ({ matches: standaloneDisplay && q.includes('standalone') }),
    });
    vi.stubGlobal('navigator', { standalone: safariStandalone });
  };

  it('a browser tab is not the installed app', () => {
    browser(false);
    expect(runningInstalled()).toBe(false);
    browser(false, false);
    expect(runningInstalled()).toBe(false);
  });

  it('opened from the home screen (display-mode standalone, or Safari’s own flag) it is', () => {
    browser(true);
    expect(runningInstalled()).toBe(true);
    browser(false, true);
    expect(runningInstalled()).toBe(true);
  });
});

describe('texts', () => {
  it('the steps name the menu entries a verifier looks for, in both languages', () => {
    expect(translate('id', 'installIosStep2')).toContain('Tambahkan ke Layar Utama');
    expect(translate('en', 'installIosStep2')).toContain('Add to Home Screen');
    expect(translate('id', 'installAndroidStep2')).toContain('Instal aplikasi');
    expect(translate('en', 'installAndroidStep2')).toContain('Install app');
  });

  it('the toast’s close button is named in the UI language', () => {
    expect(translate('id', 'close')).toBe('Tutup');
    expect(translate('en', 'close')).toBe('Close');
  });

  it('the storage page sends the verifier to the update bar, not to a reload button', () => {
    expect(translate('id', 'updateRequired')).toContain('Tekan "Perbarui" di bagian atas layar');
    expect(translate('en', 'updateRequired')).toContain('Press "Update" at the top of the screen');
  });
});
