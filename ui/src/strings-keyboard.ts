// The on-screen Vietnamese keyboard (components/touch-keyboard.tsx): its keys, input methods and tone
// placement, apart from the clerk's other strings (strings.ts gives it as S.keyboard).

export const KEYBOARD_STRINGS = {
  label: 'Bàn phím',
  space: 'Dấu cách',
  hide: 'Ẩn',
  clear: 'Xoá ô',
  capsLock: 'HOA',
  methods: { telex: 'Telex', vni: 'VNI', off: 'ABC' },
  names: {
    caps: 'Viết hoa cả chữ',
    shift: 'Viết hoa chữ kế tiếp',
    backspace: 'Xoá chữ trước con trỏ',
    left: 'Lùi con trỏ',
    right: 'Tiến con trỏ',
    enter: 'Xuống dòng',
    method: (m: string) => `Kiểu gõ: ${m} (chạm để đổi)`,
    toneStyle: (example: string) => `Cách đặt dấu: ${example} (chạm để đổi)`,
  },
} as const;
