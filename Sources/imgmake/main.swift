import ImgmakeCLI

ImgmakeMain.run()
